// Every AWS list price the cost model (lib/cost/model.ts, `npm run cost`) uses, in one place, for one region.
// On-demand list prices of us-east-1 in US dollars, first pricing tier (the one a deployment of this size is in),
// as published on each service's pricing page; DynamoDB's are the on-demand prices after the reduction of
// 1 November 2024. Reviewed on the date below without network access from this machine: check the pages
// before quoting a figure, and change the numbers here (nothing else holds a price).
export const PRICES = {
  region: 'us-east-1',
  reviewed: '2026-12-06',
  apiGateway: {
    /** HTTP API: per million requests (first 300 million a month); each 512 KB of a request counts as one. */
    httpRequestsPerMillion: 1.0,
    requestUnitBytes: 512 * 1024,
  },
  lambda: {
    /** arm64 (Graviton). */
    requestsPerMillion: 0.2,
    gbSecond: 0.0000133334,
    /** Duration is billed per 1 ms. Lambda gives a function one full vCPU at 1,769 MB, proportionally less below. */
    fullVcpuMb: 1769,
  },
  dynamodb: {
    /** On-demand, Standard table class. A write unit is up to 1 KB written, a read unit up to 4 KB read strongly
     *  (half a unit eventually consistent); transactions count twice. */
    writeRequestUnitsPerMillion: 0.625,
    readRequestUnitsPerMillion: 0.125,
    storageGbMonth: 0.25,
    /** Continuous backups (point-in-time recovery), per GB-month of table size. */
    pitrGbMonth: 0.2,
  },
  sqs: {
    /** Standard queues, per million requests (after the first million); each 64 KB of a payload is one request. */
    requestsPerMillion: 0.4,
    requestChunkBytes: 64 * 1024,
  },
  cloudwatchLogs: {
    /** Standard log class: ingestion per GB, and archived (compressed) storage per GB-month. */
    ingestionGb: 0.5,
    storageGbMonth: 0.03,
    /** CloudWatch Logs counts 26 bytes per log event on top of its message. */
    eventOverheadBytes: 26,
  },
  cloudwatch: {
    /** Custom metrics (EMF creates them): per metric (name + dimension values) per month, first 10,000. */
    metricMonth: 0.3,
    /** Standard-resolution alarm per month. */
    alarmMonth: 0.1,
    dashboardMonth: 3.0,
  },
  xray: {
    /** Traces recorded, per million (retrieval and scans, $0.50 per million, happen only when someone looks). */
    tracesRecordedPerMillion: 5.0,
  },
  textract: {
    /** DetectDocumentText, per 1,000 pages (first million pages a month). */
    detectDocumentTextPer1000Pages: 1.5,
  },
  s3: {
    /** S3 Standard. */
    putPer1000: 0.005,
    getPer1000: 0.0004,
    storageGbMonth: 0.023,
  },
  secretsManager: {
    secretMonth: 0.4,
    apiCallsPer10000: 0.05,
  },
  kms: {
    /** Customer managed key per month; requests per 10,000 (symmetric). AWS managed keys have no monthly fee. */
    keyMonth: 1.0,
    requestsPer10000: 0.03,
  },
} as const;

/** Documented service behaviour the model needs beside prices. */
export const SERVICE_BEHAVIOUR = {
  /** Lambda's SQS event source mapping long-polls each queue with 5 pollers at 20 s while it is idle, and receives
   *  and deletes (DeleteMessageBatch) every batch it hands to the function. */
  sqsEventSource: { idlePollers: 5, waitSeconds: 20, requestsPerBatch: 2 },
  /** Lambda's X-Ray sampling for a request without a trace header: the first request each second, then 5%. */
  lambdaTracing: { reservoirPerSecond: 1, rate: 0.05 },
  /** DynamoDB bills 100 bytes of overhead per item (and per index entry) for storage. */
  dynamodbItemOverheadBytes: 100,
} as const;

/** Always-free allowances (per account and month, shared with everything else in the account); the 12-month
 *  offers for new accounts (API Gateway, S3, Textract) are left out. */
export const FREE_TIER = {
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  sqsRequests: 1_000_000,
  logsIngestedGb: 5,
  logsStoredGb: 5,
  xrayTracesRecorded: 100_000,
  metrics: 10,
  alarms: 10,
  dashboards: 3,
  dynamodbStorageGb: 25,
  kmsRequests: 20_000,
} as const;
