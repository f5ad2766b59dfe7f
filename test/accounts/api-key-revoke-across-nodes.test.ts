/**
 * Two nodes of one deployment (same database, one real Redis, each its own key cache): a key revoked,
 * narrowed or whose account is disabled on node A is refused on node B as soon as B hears the change,
 * though B had it cached — without waiting for the cache's TTL.
 */
import { describe, expect, it } from 'vitest';
import { forgetAccountKeys } from '../../src/accounts/forget-account-keys.ts';
import { withTransaction } from '../../src/platform/db.ts';
import { createCustomer } from '../support/factories.ts';
import { keyChangesHeardOn, redisBus } from '../support/redis-nodes.ts';
import { signIn } from '../support/sign-in.ts';
import { bearer, createTestApp } from '../support/test-app.ts';
import { contextOn, createTestContext } from '../support/test-database.ts';

const busA = redisBus();
const busB = redisBus();
const nodeA = await createTestContext({}, { bus: busA });
const nodeB = await contextOn(nodeA.url, { NUMPOOL_SECRET: nodeA.secret }, { bus: busB });
const appA = await createTestApp(nodeA);
const appB = await createTestApp(nodeB);

// What node B has heard about key changes.
const onB = await keyChangesHeardOn(busB, busA);

const balanceOn = (app: typeof appA, key: string) =>
  app.inject({ method: 'GET', url: '/v1/balance', headers: bearer(key) });

describe('a key change on one node', () => {
  it('is needed: without it, node B keeps answering from its cache', async () => {
    const me = await createCustomer(nodeA);
    expect((await balanceOn(appB, me.apiKey)).statusCode).toBe(200);
    // Revoked behind numpool's back (no announcement): B still trusts its copy.
    await nodeA.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [me.apiKeyId]);
    expect(nodeB.apiKeyCache.has(me.apiKey)).toBe(true);
    expect((await balanceOn(appB, me.apiKey)).statusCode).toBe(200);
  });

  it('revoked on A: refused on A at once, and on B as soon as B hears it', async () => {
    const me = await createCustomer(nodeA);
    expect((await balanceOn(appA, me.apiKey)).statusCode).toBe(200);
    expect((await balanceOn(appB, me.apiKey)).statusCode).toBe(200);
    expect(nodeB.apiKeyCache.has(me.apiKey)).toBe(true);

    const browser = await signIn(nodeA, appA, me.account.id);
    const heard = onB.expect({ keyId: me.apiKeyId });
    const revoked = await appA.inject({
      method: 'DELETE',
      url: `/api/keys/${me.apiKeyId}`,
      headers: browser.headers,
    });
    expect(revoked.statusCode).toBe(200);
    expect((await balanceOn(appA, me.apiKey)).statusCode).toBe(401);

    await heard();
    expect(nodeB.apiKeyCache.has(me.apiKey)).toBe(false);
    const answer = await balanceOn(appB, me.apiKey);
    expect(answer.statusCode).toBe(401);
    expect(answer.json().error.code).toBe('UNAUTHORIZED');
    // The handler API on B says so too.
    const handler = await appB.inject({
      method: 'GET',
      url: `/stubs/handler_api.php?api_key=${me.apiKey}&action=getBalance`,
    });
    expect(handler.body).toBe('BAD_KEY');
  });

  it('narrowed on A: B applies the new scopes as soon as it hears', async () => {
    const me = await createCustomer(nodeA);
    expect((await balanceOn(appB, me.apiKey)).statusCode).toBe(200);
    const browser = await signIn(nodeA, appA, me.account.id);
    const heard = onB.expect({ keyId: me.apiKeyId });
    const narrowed = await appA.inject({
      method: 'PATCH',
      url: `/api/keys/${me.apiKeyId}`,
      headers: browser.headers,
      payload: { scopes: ['orders'] },
    });
    expect(narrowed.statusCode).toBe(200);
    await heard();
    expect((await balanceOn(appB, me.apiKey)).statusCode).toBe(403);
  });

  it('an account disabled on A with forgetAccountKeys: every key of it refused on B', async () => {
    const me = await createCustomer(nodeA);
    const second = await createCustomer(nodeA);
    for (const key of [me.apiKey, second.apiKey]) expect((await balanceOn(appB, key)).statusCode).toBe(200);
    const heard = onB.expect({ accountId: me.account.id });
    await withTransaction(nodeA, async (tx) => {
      await tx.db.query('UPDATE accounts SET disabled_at = now() WHERE id = $1', [me.account.id]);
      forgetAccountKeys({ ctx: tx, input: { accountId: me.account.id } });
    });
    await heard();
    expect((await balanceOn(appB, me.apiKey)).statusCode).toBe(401);
    // Another account's cached key is untouched.
    expect(nodeB.apiKeyCache.has(second.apiKey)).toBe(true);
    expect((await balanceOn(appB, second.apiKey)).statusCode).toBe(200);
  });
});
