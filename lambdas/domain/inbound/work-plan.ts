// Which asynchronous work an inbound message asks for. Pure: the webhook hands the jobs to a WorkSink.
import { detectCommand } from '../bot/commands.js';
import type { InboundMessage } from '../shared/model.js';
import type { WorkJob } from '../shared/ports.js';

export function planWork(message: InboundMessage, contactId: string | undefined): WorkJob[] {
  // An echo is the business's own message (Wazzup24 `isEcho`): never answered, never read as a card.
  if (!contactId || message.echo || message.direction === 'out') return [];
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
  const isCard = message.type === 'image' || (message.type === 'document' && isCardDocument(media?.mimeType));
  // Reading a card takes seconds (minutes with retries): the customer hears at once that it arrived. The sender
  // answers the acknowledgement once per message id, however often Meta redelivers the photo.
  const ack = { kind: 'ack', what: 'card', ...base } as const;
  if (media?.id && isCard && message.channel === 'meta') return [{ kind: 'card', media, type: message.type, ...base }, ack];
  // Wazzup24 sends media as a link (contentUri) the worker downloads itself; documents carry no MIME type, so
  // only images are taken as cards.
  if (media?.url && message.channel === 'wazzup24' && message.type === 'image') {
    return [{ kind: 'card', media, type: message.type, channel: 'wazzup24', ...base }, ack];
  }
  return [];
}

function isCardDocument(mimeType: string | undefined): boolean {
  return !!mimeType && (mimeType.startsWith('image/') || mimeType === 'application/pdf');
}
