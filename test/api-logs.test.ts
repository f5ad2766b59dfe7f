/**
 * Logs at debug level carry no credential: not the handler api_key, not a provider's hook secret, not
 * an Authorization, Cookie or X-ApiKey header. And the provider hook does not tell an unknown provider
 * code from a wrong secret.
 */
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from '../src/platform/logger.ts';
import { createCustomer } from './support/factories.ts';
import { bearer, createTestApp } from './support/test-app.ts';
import { createTestContext } from './support/test-database.ts';

const lines: string[] = [];
const log = createLogger('debug', 'numpool', { write: (line: string) => lines.push(line) });
const ctx = await createTestContext({}, { log });
const app = await createTestApp(ctx);
const customer = await createCustomer(ctx, { balance: 10_000 });
const admin = await createCustomer(ctx, { role: 'admin' });

const created = await app.inject({
  method: 'POST',
  url: '/admin/api/providers',
  headers: bearer(admin.apiKey),
  payload: {
    code: 'pushy',
    kind: 'handler',
    base_url: 'https://pushy.example/',
    credential: 'upstream-key-1',
  },
});
const pushPath: string = created.json().data.push_url_path;
const hookSecret = new URL(pushPath, 'http://x').searchParams.get('secret')!;

const sms = { activationId: '1', text: 'code 1234' };
const push = (url: string, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: sms,
  });

describe('logs at debug level', () => {
  it('log each request, with the credential query values redacted', async () => {
    lines.length = 0;
    const answer = await app.inject({
      method: 'GET',
      url: `/stubs/handler_api.php?action=getBalance&api_key=${customer.apiKey}`,
    });
    expect(answer.body).toMatch(/^ACCESS_BALANCE:/);
    await app.inject({
      method: 'GET',
      url: `/stubs/handler_api.php?API_KEY=${customer.apiKey}&action=getBalance`,
    });
    await app.inject({
      method: 'GET',
      url: `/stubs/handler_api.php?action=getBalance&api%5Fkey=${customer.apiKey}`,
    });
    expect((await push(`/hooks/providers/pushy?secret=${hookSecret}`)).statusCode).toBe(200);
    await push(`/hooks/providers/pushy?token=${hookSecret}&secret=${hookSecret}&x=1`);

    const requests = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
    expect(requests.map((r) => r.url)).toEqual([
      '/stubs/handler_api.php?action=getBalance&api_key=[redacted]',
      '/stubs/handler_api.php?API_KEY=[redacted]&action=getBalance',
      '/stubs/handler_api.php?action=getBalance&api%5Fkey=[redacted]',
      '/hooks/providers/pushy?secret=[redacted]',
      '/hooks/providers/pushy?token=[redacted]&secret=[redacted]&x=1',
    ]);
    const output = lines.join('\n');
    expect(output).not.toContain(customer.apiKey);
    expect(output).not.toContain(hookSecret);
  });

  it('never print credential headers, whether sent to the API or logged with a request', async () => {
    lines.length = 0;
    await app.inject({
      method: 'GET',
      url: '/v1/balance',
      headers: { ...bearer(customer.apiKey), cookie: 'session=cookie-value-1' },
    });
    await app.inject({
      method: 'GET',
      url: '/stubs/handler_api.php?action=getBalance',
      headers: { 'x-apikey': customer.apiKey },
    });
    await push('/hooks/providers/pushy', { 'x-numpool-hook-secret': hookSecret });
    const headers = {
      authorization: `Bearer ${customer.apiKey}`,
      cookie: 'session=cookie-value-1',
      'set-cookie': 'session=cookie-value-2',
      'x-apikey': customer.apiKey,
      'x-numpool-hook-secret': hookSecret,
      accept: 'application/json',
    };
    log.info({ req: { method: 'GET', url: `/x?secret=${hookSecret}`, headers } }, 'with a request');
    log.info({ headers, res: { statusCode: 200, headers } }, 'with headers');
    log.error({ request: { headers }, response: { headers } }, 'nested');

    const output = lines.join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const secret of [customer.apiKey, hookSecret, 'cookie-value-1', 'cookie-value-2'])
      expect(output).not.toContain(secret);
    expect(JSON.parse(lines.at(-2)!).headers).toMatchObject({
      authorization: '[redacted]',
      accept: 'application/json',
    });
  });

  it('never print fields named for a credential, at the top of a log line or one level down', () => {
    lines.length = 0;
    const secrets = {
      password: 'pw-value-1',
      webhook_secret: 'whsec-value-2',
      api_key: 'key-value-3',
      totp: '482913',
      secret: 'plain-secret-4',
    };
    log.debug({ ...secrets, email: 'someone@example.test' }, 'top level');
    log.warn({ body: secrets, input: { apiKey: 'key-value-5', webhookSecret: 'whsec-value-6' } }, 'nested');
    const output = lines.join('\n');
    for (const value of [...Object.values(secrets), 'key-value-5', 'whsec-value-6'])
      expect(output).not.toContain(value);
    expect(JSON.parse(lines[0]!)).toMatchObject({ password: '[redacted]', email: 'someone@example.test' });
  });

  it('leave URLs without credentials as they were', () => {
    expect(redactUrl('/v1/orders?limit=5&offset=10')).toBe('/v1/orders?limit=5&offset=10');
    expect(redactUrl('/v1/orders')).toBe('/v1/orders');
    expect(redactUrl('/a?keyboard=1&monkey=2&key=3')).toBe('/a?keyboard=1&monkey=2&key=[redacted]');
    expect(redactUrl('/a?api_key')).toBe('/a?api_key=[redacted]');
    expect(redactUrl('/api/oidc/callback?code=c0de&state=s7a7e&iss=https%3A%2F%2Fidp')).toBe(
      '/api/oidc/callback?code=[redacted]&state=[redacted]&iss=https%3A%2F%2Fidp',
    );
  });
});

describe('the provider hook', () => {
  it('answers an unknown provider code exactly like a wrong or missing secret', async () => {
    const answers = await Promise.all([
      push(`/hooks/providers/nobody?secret=${hookSecret}`),
      push('/hooks/providers/nobody'),
      push('/hooks/providers/pushy?secret=wrong'),
      push('/hooks/providers/pushy'),
      push(`/hooks/providers/pushy?secret=${hookSecret}x`),
    ]);
    for (const answer of answers) {
      expect(answer.statusCode).toBe(401);
      expect(answer.json()).toEqual({
        success: false,
        error: { code: 'UNAUTHORIZED', message: 'bad or missing hook secret' },
      });
    }
    expect((await push(`/hooks/providers/pushy?secret=${hookSecret}`)).statusCode).toBe(200);
  });
});
