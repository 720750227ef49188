// Matches a request against the routes of resources.ts the way API Gateway HTTP API does: exact method,
// `{name}` segments as path parameters (percent-decoded), no trailing-slash tolerance.
import { routes, type RouteSpec } from '../resources.js';

export interface RouteMatch {
  route: RouteSpec;
  routeKey: string;
  pathParameters: Record<string, string>;
}

export type RouteResult = { match: RouteMatch } | { status: 404 | 405; allowed: string[] };

interface Compiled {
  route: RouteSpec;
  pattern: RegExp;
  names: string[];
}

function compile(route: RouteSpec): Compiled {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

export function createRouter(list: readonly RouteSpec[] = routes): (method: string, path: string) => RouteResult {
  const compiled = list.map(compile);
  return (method, path) => {
    const allowed: string[] = [];
    for (const c of compiled) {
      const m = c.pattern.exec(path);
      if (!m) continue;
      if (c.route.method !== method.toUpperCase()) {
        allowed.push(c.route.method);
        continue;
      }
      const pathParameters: Record<string, string> = {};
      c.names.forEach((name, i) => {
        const raw = m[i + 1] ?? '';
        try {
          pathParameters[name] = decodeURIComponent(raw);
        } catch {
          pathParameters[name] = raw;
        }
      });
      return { match: { route: c.route, routeKey: `${c.route.method} ${c.route.path}`, pathParameters } };
    }
    return allowed.length ? { status: 405, allowed } : { status: 404, allowed };
  };
}
