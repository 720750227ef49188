// `/status` for a number mapped as `admin` (PUT /users/{id}): the system's state instead of the customer's
// cards, in the admin's language. Pure, like texts.ts, and within WhatsApp's 4096-character body.
import type { SystemStatus } from '../operations/system-status.js';
import type { Lang } from './language.js';
import { fitText, formatWhen, type TextOptions } from './texts.js';

const WORDS = {
  en: {
    title: 'System status',
    allOk: 'Everything is working.',
    needsAttention: 'Needs attention.',
    queues: 'Queues',
    queue: (name: string, q: SystemStatus['queues'][string]) =>
      `${name}: ${q.depth} waiting, ${q.inFlight} in progress, ${q.deadLetters} dead letters${q.oldestAgeSeconds !== undefined ? `, oldest ${q.oldestAgeSeconds} s` : ''}`,
    tokenValid: (days: number | undefined) => (days === undefined ? 'Access token: valid, never expires' : `Access token: valid, ${days} day(s) left`),
    tokenInvalid: (why: string | undefined) => `Access token: NOT valid${why ? ` (${why})` : ''}`,
    tokenNone: 'Access token: not configured',
    lastInbound: (when: string) => `Last inbound message: ${when}`,
    noInbound: 'Last inbound message: none yet',
    channels: 'Wazzup24 channels',
    channel: (c: NonNullable<SystemStatus['channels']>[number]) => `${c.transport ? `${c.transport} ` : ''}${c.channelId.slice(0, 8)}: ${c.state}${c.active ? '' : ' ⚠️'}`,
    unread: (part: string, why: string) => `Could not read ${part}: ${why}`,
  },
  ru: {
    title: 'Состояние системы',
    allOk: 'Всё работает.',
    needsAttention: 'Требует внимания.',
    queues: 'Очереди',
    queue: (name: string, q: SystemStatus['queues'][string]) =>
      `${name}: ждут ${q.depth}, в работе ${q.inFlight}, в очереди ошибок ${q.deadLetters}${q.oldestAgeSeconds !== undefined ? `, старейшее ${q.oldestAgeSeconds} с` : ''}`,
    tokenValid: (days: number | undefined) => (days === undefined ? 'Токен доступа: действителен, бессрочный' : `Токен доступа: действителен, осталось дней: ${days}`),
    tokenInvalid: (why: string | undefined) => `Токен доступа: НЕ действителен${why ? ` (${why})` : ''}`,
    tokenNone: 'Токен доступа: не задан',
    lastInbound: (when: string) => `Последнее входящее сообщение: ${when}`,
    noInbound: 'Последнее входящее сообщение: ещё не было',
    channels: 'Каналы Wazzup24',
    channel: (c: NonNullable<SystemStatus['channels']>[number]) => `${c.transport ? `${c.transport} ` : ''}${c.channelId.slice(0, 8)}: ${c.state}${c.active ? '' : ' ⚠️'}`,
    unread: (part: string, why: string) => `Не удалось прочитать ${part}: ${why}`,
  },
} as const;

export function adminStatusText(lang: Lang, status: SystemStatus, options: TextOptions = {}): string {
  const w = WORDS[lang];
  if (!w) throw new RangeError(`Unsupported language "${String(lang)}": use ru or en`);
  const lines = [`${w.title}: ${status.ok ? w.allOk : w.needsAttention}`];
  const queues = Object.entries(status.queues);
  if (queues.length) lines.push('', `${w.queues}:`, ...queues.map(([name, q]) => `• ${w.queue(name, q)}`));
  lines.push('');
  if (status.token.configured === false) lines.push(w.tokenNone);
  else if (status.token.valid) lines.push(w.tokenValid(status.token.neverExpires ? undefined : status.token.daysLeft));
  else lines.push(w.tokenInvalid(status.token.reason));
  lines.push(status.lastInboundAt ? w.lastInbound(formatWhen(lang, status.lastInboundAt, options.timeZone)) : w.noInbound);
  if (status.channels?.length) lines.push('', `${w.channels}:`, ...status.channels.map((c) => `• ${w.channel(c)}`));
  for (const e of status.errors ?? []) lines.push(w.unread(e.part, e.message.slice(0, 200)));
  return fitText(lines.join('\n'));
}
