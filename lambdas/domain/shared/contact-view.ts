// A stored contact as the admin API shows it (`GET /contacts/{id}`, `GET /contacts`): the view's fields that
// are set, and nothing internal (channel, parent BSUID, language choice).
import type { ContactView } from './model.js';
import type { ContactRecord } from './ports.js';

const OPTIONAL = [
  'waId', 'userId', 'name', 'username', 'lastInboundAt',
  'title', 'company', 'department', 'address', 'sourceContactId', 'sourceMessageId',
] as const;

export function toContactView(c: ContactRecord): ContactView {
  const view: ContactView = { id: c.id, phones: c.phones, emails: c.emails, createdAt: c.createdAt };
  for (const k of OPTIONAL) {
    const v = c[k];
    if (v !== undefined) view[k] = v;
  }
  if (c.websites?.length) view.websites = c.websites;
  return view;
}
