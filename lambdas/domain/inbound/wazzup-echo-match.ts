// One outbound message, one record, even after a lost send answer. A retried Wazzup24 send answered
// `repeatedCrmMessageId` carries no Wazzup messageId, so its record is stored as `wazzup-crm.<crmMessageId>`;
// the echo webhook of the original send brings Wazzup's messageId but (per the documented webhook fields,
// ../shared/reference/wazzup24-api-facts.md §1.7 and §1.9) not our crmMessageId. The two are matched the way
// the facts advise: same contact (chat), same channel, same content, close in time. The window is wide enough
// for a queue retry yet narrow, since Wazzup only answers `repeatedCrmMessageId` within about 60 s of the first
// send. Pure: the message store does the lookups.

/** Record ids of sends Wazzup refused as repeats (the id it never told us). */
export const WAZZUP_CRM_RECORD_PREFIX = 'wazzup-crm.';

/** How far apart the echo and the record of the repeat may be. */
export const ECHO_MATCH_WINDOW_MS = 5 * 60_000;

export function wazzupCrmRecordId(crmMessageId: string): string {
  return `${WAZZUP_CRM_RECORD_PREFIX}${crmMessageId}`;
}

export function isWazzupCrmRecordId(id: string): boolean {
  return id.startsWith(WAZZUP_CRM_RECORD_PREFIX);
}

/** What both sides of a match carry: the stored record of the repeat and the echo (as message or stored item). */
export interface OutboundContent {
  phoneNumberId?: string | undefined;
  text?: string | undefined;
  media?: { url?: string | undefined } | undefined;
  timestamp: string;
}

/** The time range (ISO, inclusive) to look for a partner of a message sent at `timestamp`. */
export function echoMatchRange(timestamp: string): { from: string; to: string } {
  const at = Date.parse(timestamp);
  return { from: new Date(at - ECHO_MATCH_WINDOW_MS).toISOString(), to: new Date(at + ECHO_MATCH_WINDOW_MS).toISOString() };
}

/**
 * True when the echo is the Wazzup side of the record: same channel, within the window, and the same file
 * (contentUri) or, for text, the same text. A media send's echo has the file but not our caption (the caption is
 * a send of its own), so a file is matched by its link alone.
 */
export function isSameOutbound(record: OutboundContent, echo: OutboundContent): boolean {
  if (!record.phoneNumberId || record.phoneNumberId !== echo.phoneNumberId) return false;
  const gap = Math.abs(Date.parse(record.timestamp) - Date.parse(echo.timestamp));
  if (!Number.isFinite(gap) || gap > ECHO_MATCH_WINDOW_MS) return false;
  const recordUrl = record.media?.url;
  const echoUrl = echo.media?.url;
  if (recordUrl || echoUrl) return recordUrl === echoUrl;
  return typeof record.text === 'string' && record.text !== '' && record.text === echo.text;
}
