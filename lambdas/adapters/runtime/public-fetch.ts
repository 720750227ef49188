// Fetching a URL someone else chose (a Wazzup24 contentUri, a Graph media URL) without letting it reach this
// machine or its network (server-side request forgery): https only; the host's addresses must all be public
// unicast (no loopback, RFC 1918, CGNAT 100.64/10, link-local 169.254/16 with the metadata service, fe80::/10,
// unique-local fc00::/7, 0.0.0.0/8, multicast, reserved, nor those hidden in IPv4-mapped or NAT64/6to4 IPv6).
// The check runs inside the socket's own DNS lookup, so the address checked is the address connected to (a name
// that answers public first and private later gains nothing), and every redirect is followed by hand and
// checked again. Built on node:http(s) rather than fetch: fetch's resolver cannot be replaced without undici.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import ipaddr from 'ipaddr.js';

/** A URL refused before or while connecting: not https, or not a public address. Never worth a retry. */
export class UnsafeUrl extends Error {
  override readonly name = 'UnsafeUrl';
}

export type Resolver = (
  hostname: string,
  options: { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export interface PublicFetchOptions {
  /** Origins fetched without these checks (http allowed): only the local runner's own sandboxes. */
  allowOrigins?: readonly string[];
  /** DNS resolution; default the system's (dns.lookup). */
  resolver?: Resolver;
  maxRedirects?: number;
}

export type PublicFetch = (url: string, init?: { headers?: Record<string, string>; signal?: AbortSignal }) => Promise<Response>;

/** Public unicast: what ipaddr.js calls `unicast`, after unwrapping an IPv4-mapped IPv6 address. */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  return ipaddr.process(ip).range() === 'unicast';
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 204, 205, 304]);
const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);

export function createPublicFetch(options: PublicFetchOptions = {}): PublicFetch {
  const allowed = new Set((options.allowOrigins ?? []).map((o) => new URL(o).origin));
  const resolver = options.resolver ?? systemResolver;
  const maxRedirects = options.maxRedirects ?? 5;

  const checkedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolver(hostname, { all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => !isPublicAddress(a.address));
      if (refused || !addresses.length) {
        return callback(new UnsafeUrl(`${hostname} resolves to ${refused?.address ?? 'nothing'}, not a public address`), '', 0);
      }
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };

  return async (input, init = {}) => {
    let url = parse(input);
    const origin = url.origin;
    for (let hop = 0; ; hop++) {
      const exempt = allowed.has(url.origin);
      if (!exempt) checkUrl(url);
      // Credentials (Graph's bearer token) go only to the origin they were given for.
      const headers = url.origin === origin ? (init.headers ?? {}) : {};
      const res = await send(url, { headers, ...(init.signal ? { signal: init.signal } : {}), ...(exempt ? {} : { lookup: checkedLookup }) });
      const location = res.headers.location;
      if (!REDIRECTS.has(res.statusCode ?? 0) || !location) return toResponse(res);
      res.resume();
      if (hop >= maxRedirects) throw new Error(`${describe(url)}: more than ${maxRedirects} redirects`);
      url = parse(new URL(location, url).href);
    }
  };
}

function parse(input: string): URL {
  try {
    return new URL(input);
  } catch {
    throw new UnsafeUrl('not a URL');
  }
}

/** What can be refused before connecting: the scheme, and an IP literal (the socket does no lookup for one). */
function checkUrl(url: URL): void {
  if (url.protocol !== 'https:') throw new UnsafeUrl(`${describe(url)}: only https links are fetched, not ${url.protocol}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !isPublicAddress(host)) throw new UnsafeUrl(`${describe(url)}: ${host} is not a public address`);
}

function send(url: URL, options: RequestOptions): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ...options }, resolve);
    req.on('error', reject);
    req.end();
  });
}

function toResponse(res: IncomingMessage): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const status = res.statusCode ?? 502;
  if (NULL_BODY.has(status)) {
    res.resume();
    return new Response(null, { status, headers });
  }
  return new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, { status, headers });
}

/** Scheme, host and the start of the path: a media URL's query may carry a signature. */
export function describe(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname.length > 40 ? `${url.pathname.slice(0, 40)}…` : url.pathname}`;
}
