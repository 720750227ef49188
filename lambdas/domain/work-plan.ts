// Which asynchronous work an inbound message asks for. Pure: the webhook hands the jobs to a WorkSink.
import { detectCommand } from './commands.js';
import type { InboundMessage } from './model.js';
import type { WorkJob } from './ports.js';

export function planWork(message: InboundMessage, contactId: string | undefined): WorkJob[] {
  if (!contactId) return [];
  const base = { messageId: message.id, contactId, phoneNumberId: message.phoneNumberId };
  if (message.type === 'text' && message.text) {
    // detectCommand knows every spelling (`/старт`, `/help?`); an unknown `/foo` keeps its word for the reply.
    const found = detectCommand(message.text);
    if (found) {
      const command = found.command === 'unknown' ? found.word : found.command;
      return [{ kind: 'command', command, args: found.arg ?? '', ...base }];
    }
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
