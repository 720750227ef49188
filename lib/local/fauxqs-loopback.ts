// fauxqs on an address we choose. Its `startFauxqs` always listens on 0.0.0.0 (every interface), which would let
// anyone on the laptop's network list the queues, inject an outbound job that the sender delivers with a real
// token, or read card photos from the local bucket. The package also exports `buildApp` (the same Fastify app
// without listening) and takes the stores it should serve; we create those stores (the package's own classes,
// loaded from its dist folder, which its `exports` map does not list), listen where we want, and keep the few
// server methods this project uses. test/e2e/listeners.test.ts checks the bound address from the kernel's table.
import { buildApp } from 'fauxqs';
import type { FauxqsServer } from 'fauxqs';

export type LocalFauxqs = Pick<FauxqsServer, 'port' | 'createQueue' | 'inspectQueue' | 'createBucket' | 'reset' | 'stop'>;

interface SqsStoreLike {
  region: string;
  createQueue(name: string, url: string, arn: string, attributes?: Record<string, string>): unknown;
  inspectQueue: FauxqsServer['inspectQueue'];
  clearMessages(): void;
}
interface S3StoreLike {
  createBucket(name: string): void;
  clearObjects(): void;
}
type StoreClass<T> = new () => T;

/** fauxqs's fixed account id in queue URLs and ARNs (its common/types.ts DEFAULT_ACCOUNT_ID). */
const ACCOUNT_ID = '000000000000';

async function fauxqsClass<T>(path: string, name: string): Promise<StoreClass<T>> {
  const mod = (await import(new URL(path, import.meta.resolve('fauxqs')).href)) as Record<string, unknown>;
  const found = mod[name];
  if (typeof found !== 'function') throw new Error(`fauxqs: ${path} no longer exports ${name}; check lib/local/fauxqs-loopback.ts against the installed version`);
  return found as StoreClass<T>;
}

export async function startLoopbackFauxqs(options: { port?: number; host: string; region: string }): Promise<LocalFauxqs> {
  const [SqsStore, SnsStore, S3Store] = await Promise.all([
    fauxqsClass<SqsStoreLike>('./sqs/sqsStore.js', 'SqsStore'),
    fauxqsClass<object>('./sns/snsStore.js', 'SnsStore'),
    fauxqsClass<S3StoreLike>('./s3/s3Store.js', 'S3Store'),
  ]);
  const sqsStore = new SqsStore();
  const s3Store = new S3Store();
  const app = buildApp({
    logger: false,
    defaultRegion: options.region,
    stores: { sqsStore, snsStore: new SnsStore(), s3Store } as unknown as NonNullable<Parameters<typeof buildApp>[0]>['stores'],
  });
  await app.listen({ port: options.port ?? 0, host: options.host });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('fauxqs: no TCP address after listen');
  const port = address.port;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    port,
    createQueue(name, opts) {
      const region = opts?.region ?? options.region;
      const queueUrl = `http://${hostForUrl}:${port}/${ACCOUNT_ID}/${name}`;
      const queueArn = `arn:aws:sqs:${region}:${ACCOUNT_ID}:${name}`;
      sqsStore.createQueue(name, queueUrl, queueArn, opts?.attributes);
      return { queueUrl, queueArn, queueName: name };
    },
    inspectQueue: (name) => sqsStore.inspectQueue(name),
    createBucket(name) {
      s3Store.createBucket(name);
      return { bucketName: name };
    },
    reset() {
      sqsStore.clearMessages();
      s3Store.clearObjects();
    },
    stop: () => app.close(),
  };
}
