/**
 * createGuardedDispatcher against a real HTTP server on 127.0.0.1: with the strict policy no connection ever
 * reaches it (literal IPs, names resolving to it, and a DNS answer that changes after the URL check), with
 * allowPrivate it is reached.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Dispatcher, Dispatcher1Wrapper, request, fetch as undiciFetch } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { guardedLookup } from '../../../src/delivery/ssrf/dispatcher.ts';
import {
  assertSafeWebhookUrl,
  createGuardedDispatcher,
  UnsafeWebhookUrl,
} from '../../../src/delivery/ssrf/index.ts';

const STRICT = { allowPrivate: false };
const DEV = { allowPrivate: true };

let server: Server;
let port: number;
let requests = 0;
let connections = 0;
const dispatchers: Dispatcher[] = [];

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests += 1;
    res.end('delivered');
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests = 0;
  connections = 0;
});

afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.close()));
});

function guarded(...args: Parameters<typeof createGuardedDispatcher>): Dispatcher {
  const dispatcher = createGuardedDispatcher(...args);
  dispatchers.push(dispatcher);
  return dispatcher;
}

/** The UnsafeWebhookUrl a failure carries, itself or anywhere down its `cause` chain. */
function unsafeIn(error: unknown): UnsafeWebhookUrl | undefined {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; depth += 1) {
    if (e instanceof UnsafeWebhookUrl) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

async function failure(promise: Promise<unknown>): Promise<UnsafeWebhookUrl> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  const unsafe = unsafeIn(error);
  expect(unsafe, `expected an UnsafeWebhookUrl, got ${String(error)}`).toBeInstanceOf(UnsafeWebhookUrl);
  return unsafe!;
}

type Client = (url: string, dispatcher: Dispatcher) => Promise<string>;

const CLIENTS: Array<[string, Client]> = [
  [
    'undici.request',
    async (url, dispatcher) => (await request(url, { dispatcher, method: 'POST', body: '{}' })).body.text(),
  ],
  [
    'undici.fetch',
    async (url, dispatcher) =>
      (await undiciFetch(url, { dispatcher, method: 'POST', body: '{}', redirect: 'manual' })).text(),
  ],
  [
    'built-in fetch through Dispatcher1Wrapper',
    async (url, dispatcher) => {
      const init = { dispatcher: new Dispatcher1Wrapper(dispatcher), method: 'POST', body: '{}' };
      return (await fetch(url, init as RequestInit)).text();
    },
  ],
];

const LOOPBACK_URLS = [
  (p: number) => `http://127.0.0.1:${p}/hook`,
  (p: number) => `http://localhost:${p}/hook`,
  (p: number) => `http://2130706433:${p}/hook`,
  (p: number) => `http://0x7f.1:${p}/hook`,
  (p: number) => `http://[::ffff:127.0.0.1]:${p}/hook`,
];

describe.each(CLIENTS)('createGuardedDispatcher with %s', (_name, send) => {
  it.each(LOOPBACK_URLS)('strict: %s never reaches the server', async (urlOf) => {
    const dispatcher = guarded(STRICT);
    const error = await failure(send(urlOf(port), dispatcher));
    expect(error.reason).toMatch(/127\.0\.0\.1|::ffff:7f00:1/);
    expect(connections).toBe(0);
    expect(requests).toBe(0);
  });

  it.each(LOOPBACK_URLS)('allowPrivate: %s is delivered', async (urlOf) => {
    const dispatcher = guarded(DEV);
    expect(await send(urlOf(port), dispatcher)).toBe('delivered');
    expect(requests).toBe(1);
  });
});

describe('createGuardedDispatcher at connect time', () => {
  it('refuses https to a loopback literal before any TLS handshake', async () => {
    await failure(request(`https://127.0.0.1:${port}/hook`, { dispatcher: guarded(STRICT) }));
    expect(connections).toBe(0);
  });

  it('catches DNS rebinding: the name checked as public resolves to loopback when connecting', async () => {
    const url = `https://hooks.example.com:${port}/hook`;
    let answers = ['93.184.215.14'];
    const resolve = async () => answers;

    await expect(assertSafeWebhookUrl(url, STRICT, resolve)).resolves.toBeInstanceOf(URL);
    answers = ['127.0.0.1'];

    const error = await failure(request(url, { dispatcher: guarded(STRICT, { resolve }) }));
    expect(error.reason).toContain('127.0.0.1');
    expect(connections).toBe(0);
  });

  it('refuses when every answer is refused, and names them', async () => {
    const resolve = async () => ['0.0.0.0', '127.0.0.1', '::1', 'fd00::1'];
    const error = await failure(
      request(`http://hooks.example.com:${port}/hook`, { dispatcher: guarded(STRICT, { resolve }) }),
    );
    expect(error.reason).toContain('0.0.0.0');
    expect(error.reason).toContain('fd00::1');
    expect(connections).toBe(0);
  });

  it('refuses a name that resolves to no address', async () => {
    const resolve = async () => [];
    await failure(
      request(`http://hooks.example.com:${port}/hook`, { dispatcher: guarded(DEV, { resolve }) }),
    );
    expect(connections).toBe(0);
  });

  it('connects only to the allowed answers when some are refused', async () => {
    const resolve = async () => ['0.0.0.0', '224.0.0.1', '127.0.0.1'];
    const response = await request(`http://hooks.example.com:${port}/hook`, {
      dispatcher: guarded(DEV, { resolve }),
    });
    expect(await response.body.text()).toBe('delivered');
    expect(requests).toBe(1);
  });

  it('passes a resolver failure through as the connection error', async () => {
    const failureCause = Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.com'), {
      code: 'ENOTFOUND',
    });
    const resolve = async (): Promise<string[]> => {
      throw failureCause;
    };
    await expect(
      request(`http://hooks.example.com:${port}/hook`, { dispatcher: guarded(DEV, { resolve }) }),
    ).rejects.toBe(failureCause);
  });

  it('accepts a connect timeout', async () => {
    const response = await request(`http://127.0.0.1:${port}/hook`, {
      dispatcher: guarded(DEV, { connectTimeoutMs: 2_000 }),
    });
    expect(await response.body.text()).toBe('delivered');
  });
});

describe('guardedLookup', () => {
  const lookupWith = (addresses: string[], options: { all?: boolean; family?: number }) =>
    new Promise<{ error: Error | null; address: unknown; family: unknown }>((done) => {
      guardedLookup(STRICT, async () => addresses)('hooks.example.com', options, (error, address, family) =>
        done({ error, address, family }),
      );
    });

  it('answers every allowed address when asked for all', async () => {
    const result = await lookupWith(['10.0.0.1', '8.8.8.8', '2606:4700:4700::1111'], { all: true });
    expect(result.error).toBeNull();
    expect(result.address).toEqual([
      { address: '8.8.8.8', family: 4 },
      { address: '2606:4700:4700::1111', family: 6 },
    ]);
  });

  it('answers the first allowed address of the requested family when asked for one', async () => {
    expect(await lookupWith(['::1', '8.8.8.8', '2606:4700:4700::1111'], {})).toMatchObject({
      error: null,
      address: '8.8.8.8',
      family: 4,
    });
    expect(await lookupWith(['8.8.8.8', '::1', '2606:4700:4700::1111'], { family: 6 })).toMatchObject({
      error: null,
      address: '2606:4700:4700::1111',
      family: 6,
    });
  });

  it('fails with UnsafeWebhookUrl when nothing of the requested family is allowed', async () => {
    expect((await lookupWith(['8.8.8.8', '::1'], { family: 6 })).error).toBeInstanceOf(UnsafeWebhookUrl);
    expect((await lookupWith(['127.0.0.1', '::1'], { all: true })).error).toBeInstanceOf(UnsafeWebhookUrl);
  });
});
