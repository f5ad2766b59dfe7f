/**
 * Failed logins are throttled per account and per client address: past the budget, even the right
 * password is refused with 429 and Retry-After, before it is checked; a success clears the account's
 * count; an unknown email is throttled exactly like a known one; with Redis, nodes share the counts.
 */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/list-audit.ts';
import { freePort } from '../../src/platform/free-port.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createRedis } from '../../src/platform/redis.ts';
import { createCustomer, uniqueEmail } from '../support/factories.ts';
import { PASSWORD, postLogin } from '../support/log-in.ts';
import { createTestApp } from '../support/test-app.ts';
import { cleanupAfterFile, contextOn, createTestContext } from '../support/test-database.ts';

const REDIS_URL = process.env.NUMPOOL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ACCOUNT_FAILURES = 3;
const IP_FAILURES = 6;
const throttled = {
  NUMPOOL_RATE_LIMIT: '1',
  NUMPOOL_RATE_LIMIT_KEY_MAX: '100000',
  NUMPOOL_RATE_LIMIT_IP_MAX: '100000',
  NUMPOOL_LOGIN_ACCOUNT_FAILURES: String(ACCOUNT_FAILURES),
  NUMPOOL_LOGIN_IP_FAILURES: String(IP_FAILURES),
  NUMPOOL_LOGIN_WINDOW_SECONDS: '600',
};

const ctx = await createTestContext(throttled);
const app = await createTestApp(ctx);

let addresses = 0;
/** A client address of its own, so tests never share a per-address budget. */
const newAddress = () => `10.1.${Math.floor(++addresses / 250)}.${addresses % 250}`;

function expectThrottled(answer: LightMyRequestResponse) {
  expect(answer.statusCode).toBe(429);
  const body = answer.json();
  expect(body).toEqual({
    success: false,
    error: {
      code: 'RATE_LIMIT_EXCEEDED',
      message: expect.any(String),
      details: { retry_after_seconds: expect.any(Number) },
    },
  });
  expect(Number(answer.headers['retry-after'])).toBe(body.error.details.retry_after_seconds);
  expect(body.error.details.retry_after_seconds).toBeGreaterThan(0);
  expect(body.error.details.retry_after_seconds).toBeLessThanOrEqual(600);
  expect(answer.headers['set-cookie']).toBeUndefined();
}

async function failTimes(n: number, email: string, address: string) {
  for (let i = 0; i < n; i++) {
    const answer = await postLogin(app, { email, password: `wrong ${i}` }, { address });
    expect(answer.statusCode).toBe(401);
  }
}

describe('login throttling per account', () => {
  it('refuses even the right password once the account has failed too often, from any address', async () => {
    const { account } = await createCustomer(ctx);
    await failTimes(ACCOUNT_FAILURES, account.email, newAddress());
    expectThrottled(
      await postLogin(app, { email: account.email, password: PASSWORD }, { address: newAddress() }),
    );
    expectThrottled(
      await postLogin(app, { email: account.email, password: 'wrong' }, { address: newAddress() }),
    );
    const entries = await listAudit({
      ctx,
      input: { action: 'session.login_throttled', targetId: String(account.id) },
    });
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ actorKind: 'system', targetType: 'account' });
  });

  it('throttles an unknown email exactly like a known one', async () => {
    const { account } = await createCustomer(ctx);
    const nobody = uniqueEmail('nobody');
    const run = async (email: string) => {
      const address = newAddress();
      const answers: Array<{ status: number; body: unknown }> = [];
      for (let i = 0; i <= ACCOUNT_FAILURES; i++) {
        const answer = await postLogin(app, { email, password: 'wrong' }, { address });
        const body = answer.json();
        if (body.error?.details) body.error.details.retry_after_seconds = 'n';
        answers.push({ status: answer.statusCode, body });
      }
      return answers;
    };
    const known = await run(account.email);
    expect(known.map((a) => a.status)).toEqual([401, 401, 401, 429]);
    expect(await run(nobody)).toEqual(known);
  });

  it('starts afresh after a successful login', async () => {
    const { account } = await createCustomer(ctx);
    const address = newAddress();
    await failTimes(ACCOUNT_FAILURES - 1, account.email, address);
    expect((await postLogin(app, { email: account.email, password: PASSWORD }, { address })).statusCode).toBe(
      200,
    );
    await failTimes(ACCOUNT_FAILURES, account.email, newAddress());
    expectThrottled(await postLogin(app, { email: account.email, password: PASSWORD }, { address }));
  });

  it('counts parallel guesses: no more than the budget is ever checked', async () => {
    const { account } = await createCustomer(ctx);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        postLogin(app, { email: account.email, password: `guess ${i}` }, { address: newAddress() }),
      ),
    );
    const codes = answers.map((a) => a.statusCode).sort();
    expect(codes.filter((c) => c === 401)).toHaveLength(ACCOUNT_FAILURES);
    expect(codes.filter((c) => c === 429)).toHaveLength(10 - ACCOUNT_FAILURES);
  });

  it('throttles wrong current passwords on POST /api/password with the same budget', async () => {
    const { account } = await createCustomer(ctx);
    const address = newAddress();
    const login = await postLogin(app, { email: account.email, password: PASSWORD }, { address });
    const cookie = [login.headers['set-cookie'] ?? []]
      .flat()
      .map((l) => l.split(';')[0])
      .join('; ');
    const headers = { cookie, 'x-csrf-token': login.json().data.csrf_token };
    const change = (current: string) =>
      app.inject({
        method: 'POST',
        url: '/api/password',
        headers,
        payload: { current_password: current, new_password: 'a new long password' },
        remoteAddress: address,
      });
    for (let i = 0; i < ACCOUNT_FAILURES; i++) expect((await change('wrong')).statusCode).toBe(422);
    expectThrottled(await change(PASSWORD));
    expectThrottled(
      await postLogin(app, { email: account.email, password: PASSWORD }, { address: newAddress() }),
    );
  });
});

describe('login throttling per address', () => {
  it('refuses any login from an address that failed too often, across accounts; other addresses go on', async () => {
    const address = newAddress();
    for (let i = 0; i < IP_FAILURES; i++) {
      const { account } = await createCustomer(ctx);
      expect(
        (await postLogin(app, { email: account.email, password: 'wrong' }, { address })).statusCode,
      ).toBe(401);
    }
    const { account } = await createCustomer(ctx);
    expectThrottled(await postLogin(app, { email: account.email, password: PASSWORD }, { address }));
    expect(
      (await postLogin(app, { email: account.email, password: PASSWORD }, { address: newAddress() }))
        .statusCode,
    ).toBe(200);
    const entries = await listAudit({
      ctx,
      input: { action: 'session.login_throttled', targetId: String(account.id) },
    });
    expect(entries[0]!.ip).toBe(address);
  });

  it('counts an IPv6 client by its /64: stepping through the block buys no fresh guesses; the next block goes on', async () => {
    const block = `2001:db8:${(++addresses).toString(16)}:7`;
    for (let i = 0; i < IP_FAILURES; i++) {
      const { account } = await createCustomer(ctx);
      const address = `${block}::${(i + 1).toString(16)}`;
      expect(
        (await postLogin(app, { email: account.email, password: 'wrong' }, { address })).statusCode,
      ).toBe(401);
    }
    const { account } = await createCustomer(ctx);
    const sameBlock = `${block}:ffff:ffff:ffff:ffff`;
    expectThrottled(
      await postLogin(app, { email: account.email, password: PASSWORD }, { address: sameBlock }),
    );
    const nextBlock = `2001:db8:${addresses.toString(16)}:8::1`;
    expect(
      (await postLogin(app, { email: account.email, password: PASSWORD }, { address: nextBlock })).statusCode,
    ).toBe(200);
  });

  it('does not count successful logins against the address', async () => {
    const { account } = await createCustomer(ctx);
    const address = newAddress();
    for (let i = 0; i < IP_FAILURES + 2; i++)
      expect(
        (await postLogin(app, { email: account.email, password: PASSWORD }, { address })).statusCode,
      ).toBe(200);
  });
});

describe('login throttling on several nodes', () => {
  it('shares the counts through Redis: failures on one node throttle the other', async () => {
    const prefix = `numpool:test:${randomBytes(4).toString('hex')}`;
    const nodes = [];
    for (let i = 0; i < 2; i++) {
      const redis = createRedis(REDIS_URL, createLogger('silent'));
      await redis.connect();
      cleanupAfterFile(() => redis.quit().then(() => undefined));
      nodes.push(
        await createTestApp(await contextOn(ctx.url, throttled, { redis, rateLimitPrefix: prefix })),
      );
    }
    const [one, two] = nodes as [typeof app, typeof app];
    const { account } = await createCustomer(ctx);
    const address = newAddress();
    for (const node of [one, two, one])
      expect(
        (await postLogin(node, { email: account.email, password: 'wrong' }, { address })).statusCode,
      ).toBe(401);
    expectThrottled(
      await postLogin(two, { email: account.email, password: PASSWORD }, { address: newAddress() }),
    );
    expectThrottled(
      await postLogin(one, { email: account.email, password: PASSWORD }, { address: newAddress() }),
    );
    // This file's own node keeps its counts in memory: it has seen none of these failures.
    expect((await postLogin(app, { email: account.email, password: PASSWORD }, { address })).statusCode).toBe(
      200,
    );
  });
});

describe('login throttling when Redis is unreachable', () => {
  it('closes login with 503 and Retry-After rather than let guesses through uncounted; no session is made', async () => {
    const gone = createRedis(`redis://127.0.0.1:${await freePort()}`, createLogger('silent'));
    cleanupAfterFile(() => gone.disconnect());
    const node = await createTestApp(
      await contextOn(ctx.url, { ...throttled, NUMPOOL_RATE_LIMIT: '0' }, { redis: gone }),
    );
    const { account } = await createCustomer(ctx);
    for (const password of ['wrong', PASSWORD]) {
      const answer = await postLogin(node, { email: account.email, password }, { address: newAddress() });
      expect(answer.statusCode).toBe(503);
      expect(answer.json()).toMatchObject({ success: false, error: { code: 'SERVICE_UNAVAILABLE' } });
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      expect(answer.headers['set-cookie']).toBeUndefined();
    }
  });
});

describe('login throttling without request limits', () => {
  it('still applies when NUMPOOL_RATE_LIMIT is off: it guards passwords, not load', async () => {
    const plain = await createTestApp(await contextOn(ctx.url, { ...throttled, NUMPOOL_RATE_LIMIT: '0' }));
    const { account } = await createCustomer(ctx);
    for (let i = 0; i < ACCOUNT_FAILURES; i++)
      expect((await postLogin(plain, { email: account.email, password: 'wrong' })).statusCode).toBe(401);
    expectThrottled(await postLogin(plain, { email: account.email, password: PASSWORD }));
  });
});
