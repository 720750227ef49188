// The Lambda handler of every function of resources.ts, loaded lazily (after the runner has set the
// environment they read at module load). Typed by FunctionName: a function added to resources.ts without a
// line here fails the type check instead of 404ing at run time.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FunctionName } from '../resources.js';

export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export const httpHandlers: Record<FunctionName, () => Promise<{ handler: HttpHandler }>> = {
  webhook: () => import('../../lambdas/handlers/webhook.js'),
  adminApi: () => import('../../lambdas/handlers/admin-api.js'),
};
