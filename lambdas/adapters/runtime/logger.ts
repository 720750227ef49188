// One Powertools logger per function: JSON, one line per event, correlation keys, the cold start flag (Powertools'
// injectLambdaContext middleware fills in the Lambda context and resets the keys per invocation), and a
// formatter that redacts every item (adapters/runtime/redaction.ts) before it is written. Callers still log ids and
// counts rather than whole events; the formatter is the net that catches a token inside an Error or a URL.
import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import type { MiddlewareObj } from '@middy/core';
import { redact, type RedactionOptions } from './redaction.js';

/** Correlation keys, the same names in every function, so one Logs Insights query follows a message. */
export interface CorrelationKeys {
  /** API Gateway request id (HTTP) or Lambda request id. */
  request_id?: string;
  /** Provider message id (wamid); `message_ids` when a delivery carries several. */
  message_id?: string;
  message_ids?: string[];
  contact_id?: string;
  /** SQS message id of the record being processed. */
  queue_message_id?: string;
}

/** Values learnt at run time (secrets read from Secrets Manager) that must never be printed. */
const knownSecrets = new Set<string>();

/** Adds exact secret values to the redaction list of every logger in this process. */
export function redactSecretValues(...values: Array<string | undefined>): void {
  for (const v of values) if (v && v.trim().length >= 6) knownSecrets.add(v.trim());
}

/** Powertools' standard key layout, then the whole item passed through `redact`. */
export class RedactingLogFormatter extends LogFormatter {
  /** LOG_LAMBDA_CONTEXT=full (context `logLambdaContext`): also the function name, ARN, memory size and sampling rate
   *  on each line. Off by default: the log group and `service` already name the function, and they cost about
   *  220 bytes a line. */
  private readonly fullContext = process.env['LOG_LAMBDA_CONTEXT'] === 'full';

  constructor(private readonly options: Omit<RedactionOptions, 'secrets' | 'formatError'> = {}) {
    super();
  }

  public formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base: LogAttributes = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      ...(this.fullContext
        ? {
            function_name: attributes.lambdaContext?.functionName,
            function_arn: attributes.lambdaContext?.invokedFunctionArn,
            function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
          }
        : {}),
      function_request_id: attributes.lambdaContext?.awsRequestId,
      ...(this.fullContext ? { sampling_rate: attributes.sampleRateValue } : {}),
      xray_trace_id: attributes.xRayTraceId,
    };
    const item = new LogItem({ attributes: base }).addAttributes(additional);
    const clean = redact(item.getAttributes(), {
      ...this.options,
      secrets: knownSecrets,
      formatError: (error) => this.formatError(error),
    }) as LogAttributes;
    return new LogItem({ attributes: clean });
  }
}

export interface LoggerOptions {
  serviceName?: string;
  /** Default: env LOG_PHONE_NUMBERS === 'true'. */
  showPhoneNumbers?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const showPhoneNumbers = options.showPhoneNumbers ?? process.env['LOG_PHONE_NUMBERS'] === 'true';
  return new Logger({
    serviceName: options.serviceName ?? process.env['POWERTOOLS_SERVICE_NAME'] ?? 'whatsapp',
    logFormatter: new RedactingLogFormatter({ showPhoneNumbers }),
  });
}

export const logger = createLogger();

/**
 * Runs `fn` with correlation keys on every line it logs (a queue record, one message), then removes them,
 * even when it throws: a batch handler calls it once per record.
 */
export async function withCorrelation<T>(keys: CorrelationKeys, fn: () => Promise<T>, log: Logger = logger): Promise<T> {
  const present = Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined && v !== ''));
  log.appendKeys(present);
  try {
    return await fn();
  } finally {
    log.removeKeys(Object.keys(present));
  }
}

/** The API Gateway request id of an HTTP API event, if it is one. */
export function httpCorrelation(event: { requestContext?: { requestId?: string } }): CorrelationKeys {
  const id = event.requestContext?.requestId;
  return id ? { request_id: id } : {};
}

/**
 * The middy middleware that puts this invocation's correlation keys on every line: `request_id` (the Lambda
 * request id, or what `correlate` finds in the event, such as the API Gateway request id). It goes after
 * Powertools' `injectLambdaContext(logger, { resetKeys: true })`, which removes them (and any key the handler
 * appended) when the invocation ends, whether it returned or threw.
 */
export function correlationKeys<E>(correlate?: (event: E) => CorrelationKeys, log: Logger = logger): MiddlewareObj<E> {
  return {
    before: ({ event, context }) => {
      const keys: CorrelationKeys = { request_id: context?.awsRequestId, ...correlate?.(event) };
      log.appendKeys(Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined && v !== '')));
    },
  };
}
