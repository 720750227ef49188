// One Powertools logger per function. Callers log ids and counts, never secrets, signatures, tokens or
// Authorization headers, and never whole events (their headers carry the signature).
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'whatsapp' });
