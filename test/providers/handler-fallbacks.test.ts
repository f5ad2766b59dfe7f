/**
 * Clones that lack the newer actions: the adapter must fall back (getNumberV2 → getNumber, getFullSms →
 * getStatusV2) and remember it, so later calls do not pay for the failed attempt again.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalogCodes, seedCatalogRows } from '../../src/catalog/catalog-codes.ts';
import { createHandlerAdapter } from '../../src/providers/handler/handler-adapter.ts';

const codes = buildCatalogCodes(seedCatalogRows());
const calls: string[] = [];
let server: Server;
let baseUrl: string;

const ANSWERS: Record<string, string> = {
  getNumberV2: 'BAD_ACTION',
  getNumber: 'ACCESS_NUMBER:777:6281200000001',
  getStatus: 'STATUS_OK:4321',
  getFullSms: 'BAD_ACTION',
  getStatusV2:
    '{"verificationType":0,"sms":{"dateTime":"2026-01-02T03:04:05Z","code":"4321","text":"Code: 4321"}}',
  getActiveActivations: '{"status":"error","error":"NO_ACTIVATIONS"}',
  getOperators: 'OPERATORS_NOT_FOUND',
};

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const action = url.searchParams.get('action') ?? '';
    calls.push(action);
    response.end(ANSWERS[action] ?? 'BAD_ACTION');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  baseUrl = `http://127.0.0.1:${address.port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('handler adapter on a clone without the newer actions', () => {
  const adapter = () =>
    createHandlerAdapter({
      baseUrl,
      credential: 'k',
      currency: 'USD',
      codes,
      timeoutMs: 2000,
      dialect: 'auto',
    });

  it('buys with getNumber after getNumberV2 is refused, and only asks V2 once', async () => {
    const provider = adapter();
    calls.length = 0;
    const first = await provider.acquireNumber({ countryId: 6, platformId: 1, operator: 'telkomsel' });
    expect(first).toEqual({ ref: '777', phone: '6281200000001', operator: 'telkomsel', cost: undefined });
    await provider.acquireNumber({ countryId: 6, platformId: 1 });
    expect(calls).toEqual(['getNumberV2', 'getNumber', 'getNumber']);
  });

  it('reads the SMS text through getStatusV2 when getFullSms is refused, and remembers it', async () => {
    const provider = adapter();
    calls.length = 0;
    const status = await provider.getStatus('777');
    expect(status).toEqual({
      ref: '777',
      state: 'RECEIVED',
      messages: [{ text: 'Code: 4321', code: '4321', receivedAt: new Date('2026-01-02T03:04:05Z') }],
    });
    await provider.getStatus('777');
    expect(calls).toEqual(['getStatus', 'getFullSms', 'getStatusV2', 'getStatus', 'getStatusV2']);
  });

  it('reads NO_ACTIVATIONS as an empty list and OPERATORS_NOT_FOUND as no operators', async () => {
    const provider = adapter();
    await expect(provider.listActive()).resolves.toEqual([]);
    await expect(provider.listOperators(6)).resolves.toEqual([]);
  });

  it('refuses what it cannot ask for before calling the provider', async () => {
    const provider = adapter();
    calls.length = 0;
    await expect(provider.acquireNumber({ countryId: 6, platformId: 999_999 })).rejects.toMatchObject({
      kind: 'BAD_REQUEST',
    });
    await expect(provider.getStatus('12; DROP')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    expect(calls).toEqual([]);
  });
});
