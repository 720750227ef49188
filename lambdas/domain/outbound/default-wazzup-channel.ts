// The Wazzup24 channel an admin send goes from when neither the request nor the deployment names one: the
// account's only active channel. Most accounts have exactly one, so asking for its id is friction; with several
// the caller must choose, and is told which ones there are.

export interface WazzupChannelSummary {
  channelId: string;
  /** `whatsapp`, `wapi`, `telegram`, … */
  transport: string;
  /** The phone number, username or id the channel is known by. */
  plainId: string;
  /** `active`, `qr`, `phoneUnavailable`, … */
  state: string;
}

export type WazzupChannelPick = { ok: true; channelId: string } | { ok: false; error: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function describe(c: WazzupChannelSummary): string {
  return `${c.channelId} (${[c.transport, c.plainId].filter(Boolean).join(' ')}, ${c.state})`;
}

/** The one active channel, or why there is none to pick. */
export function pickWazzupChannel(channels: readonly WazzupChannelSummary[]): WazzupChannelPick {
  const usable = channels.filter((c) => UUID.test(c.channelId));
  const active = usable.filter((c) => c.state === 'active');
  const [only] = active;
  if (only && active.length === 1) return { ok: true, channelId: only.channelId };
  if (active.length > 1) {
    return { ok: false, error: `the Wazzup24 account has ${active.length} active channels; name one in phoneNumberId (or configure wazzupChannelId / WAZZUP_CHANNEL_ID): ${active.map(describe).join('; ')}` };
  }
  if (usable.length === 0) return { ok: false, error: 'the Wazzup24 account has no channels: connect one in Wazzup24 first' };
  return { ok: false, error: `no Wazzup24 channel is active (fix its state in Wazzup24, or name one in phoneNumberId): ${usable.map(describe).join('; ')}` };
}

/**
 * The lookup the admin route uses: lists the channels once and keeps the channel it picked for the life of the
 * function. A failed listing or an unclear answer (several active, none active) is not kept, so fixing the
 * account in Wazzup24 takes effect on the next request; concurrent requests share one listing.
 */
export function createDefaultWazzupChannel(list: () => Promise<readonly WazzupChannelSummary[]>): () => Promise<WazzupChannelPick> {
  let picked: WazzupChannelPick | undefined;
  let inFlight: Promise<WazzupChannelPick> | undefined;
  return () => {
    if (picked) return Promise.resolve(picked);
    inFlight ??= list()
      .then((channels) => {
        const pick = pickWazzupChannel(channels);
        if (pick.ok) picked = pick;
        return pick;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}
