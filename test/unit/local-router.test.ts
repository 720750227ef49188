import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { routes } from '../../lib/resources.js';
import { toApiEvent } from '../../lib/local/api-event.js';
import { createRouter } from '../../lib/local/router.js';

const route = createRouter();

describe('local router', () => {
  it('serves every route of resources.ts', () => {
    for (const r of routes) {
      const path = r.path.replace(/\{(\w+)\}/g, 'x1');
      const found = route(r.method, path);
      expect('match' in found && found.match.routeKey).toBe(`${r.method} ${r.path}`);
    }
  });

  it('extracts and decodes path parameters', () => {
    const found = route('GET', '/contacts/KG.1/messages');
    expect('match' in found && found.match.pathParameters).toEqual({ id: 'KG.1' });
    const encoded = route('GET', `/messages/${encodeURIComponent('wamid.a/b+c==')}`);
    expect('match' in encoded && encoded.match.pathParameters).toEqual({ id: 'wamid.a/b+c==' });
  });

  it('405s a known path with another method, 404s the rest', () => {
    expect(route('DELETE', '/webhooks/whatsapp')).toEqual({ status: 405, allowed: ['GET', 'POST'] });
    expect(route('GET', '/nope')).toEqual({ status: 404, allowed: [] });
    expect(route('GET', '/health/')).toEqual({ status: 404, allowed: [] });
  });
});

describe('API Gateway v2 event', () => {
  function request(headers: Record<string, string>): IncomingMessage {
    const req = new IncomingMessage(new Socket());
    req.method = 'POST';
    req.httpVersion = '1.1';
    req.headers = headers;
    return req;
  }
  const found = route('POST', '/webhooks/whatsapp');
  const match = 'match' in found ? found.match : undefined;

  it('passes JSON as text and binary as base64, headers lowercased, query decoded', () => {
    const url = new URL('http://local/webhooks/whatsapp?hub.mode=subscribe&a=1&a=2');
    const json = toApiEvent(request({ 'content-type': 'application/json', 'X-Hub-Signature-256': 'sha256=ab' }), Buffer.from('{"a":"é"}'), match!, url);
    expect(json).toMatchObject({
      version: '2.0',
      routeKey: 'POST /webhooks/whatsapp',
      rawPath: '/webhooks/whatsapp',
      rawQueryString: 'hub.mode=subscribe&a=1&a=2',
      queryStringParameters: { 'hub.mode': 'subscribe', a: '1,2' },
      isBase64Encoded: false,
      body: '{"a":"é"}',
    });
    expect(json.headers['x-hub-signature-256']).toBe('sha256=ab');

    const bytes = Buffer.from([0xff, 0x00, 0x10]);
    const binary = toApiEvent(request({ 'content-type': 'application/octet-stream' }), bytes, match!, url);
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body!, 'base64').equals(bytes)).toBe(true);
  });
});
