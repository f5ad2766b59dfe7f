/**
 * Refused payment notifications (specs/payments.md §4.7): each is logged without its secrets and
 * counted in the metrics; a burst at one gateway is reported once; operators read the log through
 * /admin/api; retention removes old entries.
 */
import { describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../src/audit/audit-actor.ts';
import { configureGateway } from '../../src/payments/configure-gateway.ts';
import { BURST_THRESHOLD } from '../../src/payments/record-rejected-notification.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { purgeExpiredData } from '../../src/retention/purge-expired-data.ts';
import { createCustomer } from '../support/factories.ts';
import { bearer, createTestApp } from '../support/test-app.ts';
import { createTestContext } from '../support/test-database.ts';

const lines: string[] = [];
const log = createLogger('debug', 'numpool', { write: (line: string) => lines.push(line) });
const ctx = await createTestContext({}, { log });
const app = await createTestApp(ctx);
const admin = await createCustomer(ctx, { role: 'admin' });

for (const [code, credentials] of [
  ['duitku', { merchantCode: 'D0001', apiKey: 'duitku-secret' }],
  ['heleket', { merchant: 'm-1', paymentKey: 'pk-secret' }],
] as const)
  await configureGateway({
    ctx,
    input: {
      code,
      enabled: true,
      baseUrl: 'http://127.0.0.1:9',
      credentials,
      currencies: [code === 'duitku' ? 'IDR' : 'USD'],
      methods: code === 'duitku' ? ['NQ'] : undefined,
      actor: CLI_ACTOR,
    },
  });

const forgedDuitku = (n: number) =>
  app.inject({
    method: 'POST',
    url: '/hooks/payments/duitku',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-note': `try ${n}` },
    payload: `merchantCode=D0001&amount=150000&merchantOrderId=np-topup-${n}&resultCode=00&reference=DS${n}&signature=${'0'.repeat(32)}`,
  });
const forgedHeleket = () =>
  app.inject({
    method: 'POST',
    url: '/hooks/payments/heleket',
    headers: { 'content-type': 'application/json' },
    payload: '{"type":"payment","uuid":"u","order_id":"np-topup-1","status":"paid","sign":"00"}',
  });
const bursts = () => lines.filter((line) => line.includes('burst of refused payment notifications'));
const adminGet = async (url: string) => {
  const response = await app.inject({
    method: 'GET',
    url: `/admin/api${url}`,
    headers: bearer(admin.apiKey),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
};
const refusedMetric = async (gateway: string, reason: string) => {
  const text = await ctx.metrics.metrics();
  const line = text
    .split('\n')
    .find((l) =>
      l.startsWith(`numpool_payment_notifications_refused_total{gateway="${gateway}",reason="${reason}"}`),
    );
  return line ? Number(line.split(' ').pop()) : 0;
};

describe('refused payment notifications', () => {
  it('are answered in the gateway’s form, counted by gateway and reason, and a burst is reported once', async () => {
    for (let n = 1; n < BURST_THRESHOLD; n++) expect((await forgedDuitku(n)).statusCode).toBe(400);
    expect(bursts()).toHaveLength(0);
    // Another gateway's refusals are counted apart.
    expect((await forgedHeleket()).statusCode).toBe(400);
    expect(bursts()).toHaveLength(0);

    expect((await forgedDuitku(BURST_THRESHOLD)).statusCode).toBe(400);
    expect(bursts()).toHaveLength(1);
    expect(JSON.parse(bursts()[0]!)).toMatchObject({
      level: 50,
      gateway: 'duitku',
      refusals: BURST_THRESHOLD,
    });
    for (let n = BURST_THRESHOLD + 1; n <= BURST_THRESHOLD + 5; n++) await forgedDuitku(n);
    expect(bursts()).toHaveLength(1);

    expect(await refusedMetric('duitku', 'bad_signature')).toBe(BURST_THRESHOLD + 5);
    expect(await refusedMetric('heleket', 'bad_signature')).toBe(1);
  });

  it('are listed for operators newest first, by gateway and page, without their signatures', async () => {
    const all = await adminGet('/payments/refused-notifications?limit=200');
    expect(all).toHaveLength(BURST_THRESHOLD + 6);
    expect(all[0]).toMatchObject({ gateway: 'duitku', reason: 'bad_signature', source_ip: '127.0.0.1' });
    expect(all[0].headers['x-forwarded-note']).toBe(`try ${BURST_THRESHOLD + 5}`);
    expect(all[0].body_excerpt).toContain('merchantCode=D0001');
    // Signatures in a body are not kept.
    expect(all[0].body_excerpt).toMatch(/&signature=\[redacted\]$/);
    const heleketRow = all.find((r: { gateway: string }) => r.gateway === 'heleket');
    expect(heleketRow.body_excerpt).toContain('"sign":"[redacted]"');
    const ids = all.map((r: { id: number }) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const heleket = await adminGet('/payments/refused-notifications?gateway=heleket');
    expect(heleket.map((r: { gateway: string }) => r.gateway)).toEqual(['heleket']);
    const page = await adminGet(`/payments/refused-notifications?limit=5&before_id=${ids[0]}`);
    expect(page.map((r: { id: number }) => r.id)).toEqual(ids.slice(1, 6));
  });

  it('go after the retention period', async () => {
    await ctx.pool.query(
      `UPDATE rejected_payment_notifications SET received_at = now() - interval '31 days' WHERE gateway = 'heleket'`,
    );
    const purged = await purgeExpiredData({ ctx });
    expect(purged.refusedNotifications).toBe(1);
    expect(await adminGet('/payments/refused-notifications?gateway=heleket')).toEqual([]);
    expect(await adminGet('/payments/refused-notifications?gateway=duitku&limit=200')).toHaveLength(
      BURST_THRESHOLD + 5,
    );
  });
});
