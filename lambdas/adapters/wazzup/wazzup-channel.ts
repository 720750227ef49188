// The sender's Wazzup24 channel (domain/outbound/sender.ts ChannelSender): our message -> `POST /v3/message` bodies for the
// contact's chat, each with a crmMessageId derived from the send id, so a retried send is refused by Wazzup as
// `repeatedCrmMessageId` instead of going out twice. Errors arrive mapped (wazzup-errors.ts) in the same shape as
// Graph's; `24_HOURS_EXCEEDED` is the 24-hour window, as for Meta.
import type { ContactRecord } from '../../domain/shared/ports.js';
import { ChannelWindowClosed, type ChannelError, type ChannelSender } from '../../domain/outbound/sender.js';
import { wazzupCrmRecordId } from '../../domain/inbound/wazzup-echo-match.js';
import { toWazzupSendBodies, WazzupOutboundError, type WazzupTarget } from '../../domain/outbound/wazzup-outbound.js';
import { createSecretReader, SecretUnavailable, type SecretReader } from '../secrets/secrets.js';
import { optionalEnv } from '../runtime/env.js';
import { createWazzupClient, WazzupError, type WazzupClient } from './wazzup-client.js';

export const WAZZUP_WINDOW_CODE = '24_HOURS_EXCEEDED';

/** A send that never reached Wazzup: refused here, named like Wazzup's own validation error. */
class WazzupRefused extends Error {
  override readonly name = 'WazzupRefused';
  constructor(readonly error: ChannelError) {
    super(error.message);
  }
}

/**
 * The chat a contact is reached in: its Wazzup24 key (`whatsapp.79011112233`, see wazzupContactKey) when it has
 * one, else a WhatsApp chat with the phone digits.
 */
export function wazzupChatOf(contact: ContactRecord, to?: string): Pick<WazzupTarget, 'chatType' | 'chatId'> | undefined {
  const m = contact.userId ? /^([a-z][a-z0-9_]*)\.(.+)$/.exec(contact.userId) : null;
  if (m?.[1] && m[2] && contact.channel === 'wazzup24') return { chatType: m[1], chatId: decodeURIComponent(m[2]) };
  const digits = (contact.waId ?? to ?? contact.phones[0] ?? '').replace(/\D/g, '');
  return digits ? { chatType: 'whatsapp', chatId: digits } : undefined;
}

export function wazzupChannel(client: Pick<WazzupClient, 'sendMessage'>): ChannelSender {
  return {
    async send({ from, message, contact, sendId }) {
      const chat = wazzupChatOf(contact, message.to);
      if (!chat) throw refused('INVALID_MESSAGE_DATA', `contact ${contact.id} has no Wazzup24 chat to send to`);
      let bodies;
      try {
        bodies = toWazzupSendBodies(message, { channelId: from, ...chat }, sendId);
      } catch (error) {
        if (error instanceof WazzupOutboundError) throw refused('INVALID_MESSAGE_DATA', error.message);
        throw error;
      }
      let first: string | undefined;
      for (const body of bodies) {
        let result;
        try {
          result = await client.sendMessage(body);
        } catch (error) {
          if (error instanceof WazzupError && normalised(error.code) === normalised(WAZZUP_WINDOW_CODE)) throw new ChannelWindowClosed(error.error.hint);
          throw error;
        }
        // `repeatedCrmMessageId`: it went out on an earlier attempt whose answer was lost. Wazzup does not say
        // its id then, so the record gets one derived from the crmMessageId; the message store matches it with
        // the echo webhook (which brings Wazzup's id) so both ids name one record (domain/inbound/wazzup-echo-match.ts).
        first ??= result.messageId ?? wazzupCrmRecordId(body.crmMessageId);
      }
      if (!first) throw refused('INVALID_MESSAGE_DATA', 'nothing to send');
      return { messageId: first };
    },
  };
}

function normalised(code: string): string {
  return code.replace(/_/g, '').toUpperCase();
}

function refused(code: string, message: string): WazzupRefused {
  return new WazzupRefused({
    code,
    message,
    retryable: false,
    retryClass: 'none',
    hint: 'Wazzup24 takes text and media by public link only (no templates, interactive messages or uploaded media ids); fix the message.',
  });
}

/** The Wazzup24 client of a Lambda: the key from the `wazzupApiKey` secret, re-read once after a 401. */
export function wazzupClientFromEnv(secrets: Pick<SecretReader, 'get' | 'forget'> = createSecretReader(), env: NodeJS.ProcessEnv = process.env): WazzupClient {
  const baseUrl = optionalEnv('WAZZUP_BASE_URL', env);
  return createWazzupClient({
    ...(baseUrl ? { baseUrl } : {}),
    async getApiKey(opts) {
      if (opts?.refresh) secrets.forget('wazzupApiKey');
      // Unset (no ARN, no WAZZUP_API_KEY) reads as empty: the client turns that into API_KEY_MISSING with the fix.
      // Any other failure (Secrets Manager unreachable) stays an error worth retrying.
      try {
        return (await secrets.get('wazzupApiKey')).trim();
      } catch (error) {
        if (error instanceof SecretUnavailable) return '';
        throw error;
      }
    },
  });
}

/** The Wazzup24 channel to send from when a request names none (context wazzupChannelId -> WAZZUP_CHANNEL_ID). */
export function wazzupChannelIdFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return optionalEnv('WAZZUP_CHANNEL_ID', env);
}
