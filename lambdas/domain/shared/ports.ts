// What the domain needs from the outside world. Adapters (lambdas/adapters/*) implement these against
// DynamoDB, SQS, ...; the domain never imports an SDK.
import type {
  AccountEvent,
  Channel,
  ContactView,
  InboundMessage,
  MediaRef,
  ProviderError,
  ProviderUser,
  StatusUpdate,
} from './model.js';
import type { StatusEntry } from '../inbound/status-order.js';

/** A user appearing in a delivery: as the sender of an inbound message, or the recipient of a status. */
export interface ContactSighting {
  channel: Channel;
  user: ProviderUser;
  /** Time of an inbound message from this user (drives the 24-hour window); absent for statuses. */
  inboundAt?: string;
  /** When we saw them (becomes `createdAt` for a new contact). */
  seenAt: string;
}

/** A contact as stored: what the admin API shows, plus the channel, the parent BSUID and the `/lang` choice. */
export interface ContactRecord extends ContactView {
  channel: Channel;
  parentUserId?: string;
  /** The customer's `/lang` choice (bot replies); absent = guessed each time. */
  lang?: 'ru' | 'en';
}

export interface ContactStore {
  /** Finds the contact for this user (through its aliases) or creates it; returns its id, or undefined when the
   *  sighting carries no identifier at all. Idempotent and safe under concurrent calls for the same user. */
  upsert(sighting: ContactSighting): Promise<string | undefined>;
  get(id: string): Promise<ContactRecord | undefined>;
  /** Contacts reachable by this E.164 phone / e-mail (card dedupe). */
  findByPhone(e164: string): Promise<ContactRecord[]>;
  findByEmail(email: string): Promise<ContactRecord[]>;
}

export interface MessageRecord {
  id: string;
  channel: Channel;
  direction: 'in' | 'out';
  type: string;
  contactId?: string;
  phoneNumberId?: string;
  accountId?: string;
  /** ISO 8601. */
  timestamp: string;
  text?: string;
  media?: MediaRef;
  context?: InboundMessage['context'];
  errors?: ProviderError[];
  status?: string;
  statuses: StatusEntry[];
}

export type PutOutcome = 'stored' | 'duplicate';

export interface MessagePage {
  items: MessageRecord[];
  nextCursor?: string;
}

export interface MessageStore {
  /** Stores an inbound message once; a second put with the same id changes nothing and says `duplicate`. */
  putInbound(message: InboundMessage, contactId: string | undefined, receivedAt: string): Promise<PutOutcome>;
  /** Adds statuses of one message (all with the same `messageId`) to its history in one write and recomputes its
   *  current status; creates the message (direction `out`, type `unknown`) when it was never seen. One outcome per
   *  update, `duplicate` when the status was already there. Throws `UnstorableStatus` when the store refuses the
   *  write for good (retrying cannot help), anything else for a failure worth a retry. */
  applyStatuses(updates: readonly StatusUpdate[], contactId: string | undefined): Promise<PutOutcome[]>;
  get(id: string): Promise<MessageRecord | undefined>;
  /** Newest first. `cursor` comes from a previous page; an invalid one throws `InvalidCursor`. */
  listByContact(contactId: string, page: { limit: number; cursor?: string }): Promise<MessagePage>;
}

/** The store refused a status write in a way no retry fixes (the message item cannot grow). */
export class UnstorableStatus extends Error {
  override readonly name = 'UnstorableStatus';
}

export class InvalidCursor extends Error {
  override readonly name = 'InvalidCursor';
}

/** Deliveries and changes that are not messages: kept so nothing accepted is lost. */
export interface DeliveryArchive {
  /** A signed delivery we could not parse, stored raw for a human to look at. Returns its key. */
  quarantine(raw: Uint8Array, reason: string, receivedAt: string): Promise<string>;
  recordEvent(event: AccountEvent, receivedAt: string): Promise<PutOutcome>;
}

/** Work that follows from a stored message, done asynchronously by other functions. */
export type WorkJob =
  | { kind: 'command'; command: string; args: string; messageId: string; contactId: string; phoneNumberId: string }
  /** `channel` absent = Meta (media by Graph media id); `wazzup24` = media by its `url` (contentUri). */
  | { kind: 'card'; messageId: string; contactId: string; phoneNumberId: string; media: MediaRef; type: string; channel?: Channel };

export type CommandJob = Extract<WorkJob, { kind: 'command' }>;

export interface WorkSink {
  /** At-least-once: consumers dedupe by `messageId`. */
  enqueue(jobs: readonly WorkJob[]): Promise<void>;
}
