// Signed Meta deliveries for the load run: one text message each, from a pool of customers, with an id that names
// the run and the step (so what was stored can be counted per step), and now and then a redelivery of a body
// already sent in the step, byte for byte with its signature, as Meta retries.
import { randomBytes } from 'node:crypto';
import { signedRequest, textDelivery } from '../lib/local/meta-payloads.js';

export interface Delivery {
  id: string;
  body: Buffer;
  headers: Record<string, string>;
  /** True when this is a body already sent in the step (a Meta retry), not a new message. */
  redelivery: boolean;
}

export interface DeliveryOptions {
  appSecret: string;
  phoneNumberId: string;
  /** Every message id of the step starts with this (see stepIdPrefix). */
  idPrefix: string;
  customers: readonly string[];
  /** Share of requests that resend an earlier body of the step; Meta's retries make these normal. */
  redeliveryRatio: number;
  random?: () => number;
}

/** A run id that makes the wamids of this run unique even against a DATA_DIR that is reused. */
export function newRunId(): string {
  return randomBytes(6).toString('hex').toUpperCase();
}

/** `wamid.LOAD<run>S<step>N`: the trailing `N` keeps step 1's prefix from matching step 10's ids. */
export function stepIdPrefix(runId: string, step: number): string {
  return `wamid.LOAD${runId}S${step}N`;
}

/** Kyrgyz mobile numbers (valid for libphonenumber, so contacts get an E.164 phone like real ones). */
export function customerPool(size: number): string[] {
  if (!Number.isInteger(size) || size < 1 || size > 999_999) throw new Error(`customer pool size must be 1..999999, got ${size}`);
  return Array.from({ length: size }, (_, i) => `996555${String(100_000 + i).padStart(6, '0')}`);
}

export class DeliveryFactory {
  private readonly sent: Delivery[] = [];
  private seq = 0;
  private readonly random: () => number;

  constructor(private readonly options: DeliveryOptions) {
    if (!(options.redeliveryRatio >= 0 && options.redeliveryRatio < 1)) throw new Error(`redeliveryRatio must be in [0, 1), got ${options.redeliveryRatio}`);
    if (!options.customers.length) throw new Error('the customer pool is empty');
    this.random = options.random ?? Math.random;
  }

  /** The next request of the step: usually a new message, sometimes an earlier body again. */
  next(): Delivery {
    if (this.sent.length && this.random() < this.options.redeliveryRatio) {
      const earlier = this.sent[Math.floor(this.random() * this.sent.length)]!;
      return { ...earlier, redelivery: true };
    }
    return this.fresh();
  }

  /** How many distinct messages were handed out. */
  get distinct(): number {
    return this.sent.length;
  }

  private fresh(): Delivery {
    const n = this.seq++;
    const customers = this.options.customers;
    const waId = customers[Math.floor(this.random() * customers.length)]!;
    const { delivery, messageId } = textDelivery({
      phoneNumberId: this.options.phoneNumberId,
      waId,
      name: `Load Customer ${waId.slice(-4)}`,
      id: `${this.options.idPrefix}${n}`,
      // Plain text, never a bot command: the run measures ingest, not the Graph sandbox.
      text: `load message ${n} from ${waId}`,
    });
    const { body, headers } = signedRequest(delivery, this.options.appSecret);
    const made: Delivery = { id: messageId, body, headers, redelivery: false };
    this.sent.push(made);
    return made;
  }
}
