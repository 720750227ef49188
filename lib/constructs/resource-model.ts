// The shape the stack consumes: lib/resources.ts satisfies it structurally. It is looser than the
// declarations there (names are plain strings) so tests can hand the stack a variant, e.g. one with a
// queue, and prove the wiring works before a real queue exists.
import type { HttpMethod, KeySpec, RouteAuth, RouteThrottle, SecretSpec, TableSpec } from '../resources.js';

export type TableAccess = 'read' | 'readWrite';
export type QueueAccess = 'send' | 'consume';

export interface FunctionModel {
  readonly entry: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly tables: Readonly<Record<string, TableAccess>>;
  readonly queues: Readonly<Record<string, QueueAccess>>;
  readonly secrets: readonly string[];
  readonly queueDepths?: boolean;
}

export interface QueueModel {
  readonly envVar: string;
  readonly dlqEnvVar?: string;
  readonly consumer: string;
  readonly batchSize: number;
  readonly maxReceiveCount: number;
}

export interface RouteModel {
  readonly method: HttpMethod;
  readonly path: string;
  readonly function: string;
  readonly auth: RouteAuth;
  readonly throttle?: RouteThrottle;
}

export interface ResourceModel {
  readonly tables: Readonly<Record<string, TableSpec>>;
  readonly queues: Readonly<Record<string, QueueModel>>;
  readonly secrets: Readonly<Record<string, SecretSpec>>;
  readonly functions: Readonly<Record<string, FunctionModel>>;
  readonly routes: readonly RouteModel[];
  readonly commonEnv: Readonly<Record<string, string>>;
}

export type { KeySpec, SecretSpec, TableSpec };
