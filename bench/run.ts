// `npm run bench`: every benchmark, each compared with a baseline measured in the same run, as printed tables.
import { benchCardGuard } from './card-guard.js';
import { benchCards } from './cards.js';
import { benchLargeDelivery } from './large-delivery.js';
import { benchCardPhotos } from './card-photos.js';
import { benchWebhookBundle } from './webhook-bundle.js';
import { benchWebhookLatency } from './webhook-latency.js';
import { benchSender } from './sender.js';
import { printGrid, printTable } from './table.js';

const webhook = await benchWebhookBundle();
printGrid(`Webhook bundle, before (${webhook.base.slice(0, 7)}, BENCH_BASE_REF) and after (this checkout) (issues 2, 13)`, ['metric', 'before', 'after', 'after/before', 'target', ''], webhook.rows);
printGrid('Webhook bundle size change by package or folder (esbuild metafile)', ['origin', 'after - before'], webhook.growth.length ? webhook.growth : [['(none)', '0 KB']]);
printTable('Webhook warm latency against dynalite (issue 2)', await benchWebhookLatency(webhook.bundle));
printTable('A delivery of 1,000 messages from 1,000 senders (issue 14)', await benchLargeDelivery());
printTable('Business cards (issue 5)', await benchCards());
printTable('Card image guard through wa card (issue 12)', await benchCardGuard());
printTable('Business card photos (issue 12; baseline: whole-image preparation, English only)', await benchCardPhotos());
printTable('Sender throughput against the Graph sandbox (issue 3)', await benchSender());
