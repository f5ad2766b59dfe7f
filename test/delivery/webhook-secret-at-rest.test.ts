/**
 * Webhook secrets at rest: stored sealed under NUMPOOL_SECRET, never in clear; answered and used in clear;
 * secrets stored in clear before are sealed at start.
 */
import { describe, expect, it } from 'vitest';
import { sealWebhookSecrets } from '../../src/delivery/webhooks/seal-webhook-secrets.ts';
import { openWebhookSecret } from '../../src/delivery/webhooks/webhook-config.ts';
import { createCustomer } from '../support/factories.ts';
import { bearer, createTestApp } from '../support/test-app.ts';
import { createTestContext } from '../support/test-database.ts';

const ctx = await createTestContext({ NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '1' });
const app = await createTestApp(ctx);

const stored = async (accountId: number) =>
  (
    await ctx.db.query<{ clear: string | null; sealed: string | null }>(
      'SELECT webhook_secret AS clear, webhook_secret_sealed AS sealed FROM accounts WHERE id = $1',
      [accountId],
    )
  ).rows[0]!;

describe('a webhook secret', () => {
  it('is stored sealed, and answered in clear', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const set = await app.inject({
      method: 'PATCH',
      url: '/v1/webhook',
      headers: bearer(apiKey),
      payload: { webhook_url: 'http://127.0.0.1:9/hook', webhook_secret: 'my-own-secret-7f3a' },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json().data.webhook_secret).toBe('my-own-secret-7f3a');
    const row = await stored(account.id);
    expect(row.clear).toBeNull();
    expect(row.sealed).toMatch(/^v1\./);
    expect(row.sealed).not.toContain('my-own-secret');
    const read = await app.inject({ method: 'GET', url: '/v2/webhook', headers: bearer(apiKey) });
    expect(read.json().data.webhook_secret).toBe('my-own-secret-7f3a');
  });

  it('cannot be opened under another NUMPOOL_SECRET', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    await app.inject({
      method: 'PATCH',
      url: '/v1/webhook',
      headers: bearer(apiKey),
      payload: { webhook_url: 'http://127.0.0.1:9/hook' },
    });
    const row = await stored(account.id);
    expect(openWebhookSecret(ctx, row.sealed)).toMatch(/^[0-9a-f]{64}$/);
    expect(() => openWebhookSecret({ secret: 'f'.repeat(64) }, row.sealed)).toThrow();
  });

  it('stored in clear before is sealed at start, and keeps its value', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    await ctx.db.query(
      `UPDATE accounts SET webhook_url = 'http://127.0.0.1:9/hook', webhook_secret = 'legacy-secret-91',
         webhook_secret_sealed = NULL WHERE id = $1`,
      [account.id],
    );
    expect(await sealWebhookSecrets({ ctx })).toBeGreaterThanOrEqual(1);
    const row = await stored(account.id);
    expect(row.clear).toBeNull();
    expect(row.sealed).toMatch(/^v1\./);
    const read = await app.inject({ method: 'GET', url: '/v1/webhook', headers: bearer(apiKey) });
    expect(read.json().data.webhook_secret).toBe('legacy-secret-91');
    expect(await sealWebhookSecrets({ ctx })).toBe(0);
  });
});
