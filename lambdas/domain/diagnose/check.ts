// One diagnose check's result: what `GET /diagnose` and `wa diagnose` print per line. `skip`: not checked because a
// check it depends on failed (the detail names it); only that failed check counts as a failure.
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  detail: string;
  /** What to do; empty when nothing needs doing. */
  hint: string;
}

export type CheckId =
  | 'token-present'
  | 'token-valid'
  | 'token-type'
  | 'token-scopes'
  | 'token-expiry'
  | 'app-id'
  | 'phone-configured'
  | 'phone-not-waba'
  | 'phone-exists'
  | 'phone-waba-visible'
  | 'phone-status'
  | 'phone-verified-name'
  | 'phone-quality'
  | 'phone-messaging-limit'
  | 'phone-throughput'
  | 'app-subscribed'
  | 'verify-token'
  | 'app-secret'
  | 'wazzup-key'
  | 'wazzup-channel'
  | 'wazzup-webhook';
