// Which asynchronous work an inbound message asks for. Pure: the webhook hands the jobs to a WorkSink.
import type { InboundMessage } from './model.js';
import type { WorkJob } from './ports.js';

const COMMAND = /^\/([a-z][a-z0-9_]*)(?:@\S+)?(?:\s+([\s\S]*))?$/i;

export function planWork(message: InboundMessage, contactId: string | undefined): WorkJob[] {
  if (!contactId) return [];
  const base = { messageId: message.id, contactId, phoneNumberId: message.phoneNumberId };
  if (message.type === 'text' && message.text) {
    const match = COMMAND.exec(message.text.trim());
    if (match?.[1]) return [{ kind: 'command', command: match[1].toLowerCase(), args: match[2]?.trim() ?? '', ...base }];
  }
  const media = message.media;
  if (media?.id && (message.type === 'image' || (message.type === 'document' && isCardDocument(media.mimeType)))) {
    return [{ kind: 'card', media, type: message.type, ...base }];
  }
  return [];
}

function isCardDocument(mimeType: string | undefined): boolean {
  return !!mimeType && (mimeType.startsWith('image/') || mimeType === 'application/pdf');
}
