import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: undefined,
      redisUrl: undefined,
      secret: undefined,
      role: 'all',
      demo: 'auto',
      demoApiKey: undefined,
      fxUsdIdr: 16000,
    });
    expect(config.dataDir).toMatch(/\/\.data$/);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u:p@db:5432/numpool',
      REDIS_URL: 'redis://cache:6379',
      NUMPOOL_DATA_DIR: '/var/lib/numpool',
      NUMPOOL_SECRET: 'x'.repeat(40),
      NUMPOOL_ROLE: 'worker',
      NUMPOOL_DEMO: '0',
      NUMPOOL_DEMO_API_KEY: '0123456789abcdef0123456789abcdef',
      NUMPOOL_FX_USD_IDR: '15500',
      NUMPOOL_SYNC_INTERVAL_SECONDS: '60',
      NUMPOOL_ORDER_TTL_SECONDS: '900',
      NUMPOOL_MIN_CANCEL_SECONDS: '60',
      NUMPOOL_ORPHAN_GRACE_SECONDS: '45',
      NUMPOOL_CREATE_TIMEOUT_SECONDS: '90',
      NUMPOOL_RESEND_COOLDOWN_SECONDS: '10',
      NUMPOOL_DAILY_CANCEL_LIMIT: '20',
      NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '1',
      NUMPOOL_WEBHOOK_RETRY_SCALE: '0.5',
      NUMPOOL_RETENTION_SMS_DAYS: '10',
      NUMPOOL_RETENTION_DELIVERY_DAYS: '5',
      NUMPOOL_RETENTION_EVENTS_DAYS: '2',
      NUMPOOL_DB_POOL_MAX: '40',
      NUMPOOL_DB_WORKER_POOL_MAX: '6',
      NUMPOOL_DB_QUEUE_POOL_MAX: '3',
      NUMPOOL_DB_STATEMENT_TIMEOUT_MS: '2500',
      NUMPOOL_DB_WORKER_STATEMENT_TIMEOUT_MS: '120000',
      NUMPOOL_DB_CONNECT_TIMEOUT_MS: '1500',
      NUMPOOL_RATE_LIMIT: '0',
      NUMPOOL_RATE_LIMIT_KEY_MAX: '500',
      NUMPOOL_RATE_LIMIT_IP_MAX: '50',
      NUMPOOL_RATE_LIMIT_WINDOW_SECONDS: '10',
      NUMPOOL_SHED_EVENT_LOOP_DELAY_MS: '0',
      NUMPOOL_SHED_POOL_WAITING: '25',
      NUMPOOL_PUBLIC_URL: 'https://numpool.example/',
      NUMPOOL_TRUST_PROXY: '10.0.0.0/8',
      SMTP_URL: 'smtp://mail:25',
      NUMPOOL_MAIL_FROM: 'numpool <hello@numpool.example>',
      NUMPOOL_OIDC_ISSUER: 'https://accounts.example',
      NUMPOOL_OIDC_CLIENT_ID: 'client',
      NUMPOOL_OIDC_CLIENT_SECRET: 'shh',
      NUMPOOL_SESSION_DAYS: '7',
      NUMPOOL_LOGIN_ACCOUNT_FAILURES: '3',
      NUMPOOL_LOGIN_IP_FAILURES: '30',
      NUMPOOL_LOGIN_WINDOW_SECONDS: '600',
      NUMPOOL_ABUSE_GUARD: '0',
      NUMPOOL_ABUSE_WINDOW_ORDERS: '30',
      NUMPOOL_ABUSE_MIN_ORDERS: '12',
      NUMPOOL_ABUSE_FAILURE_RATE: '0.75',
      NUMPOOL_ABUSE_BAN_MINUTES: '60',
      NUMPOOL_SIM_PORT: '9100',
      NUMPOOL_SIM_SEED: '42',
      NUMPOOL_SIM_SMS_DELAY_MS: '250',
      NUMPOOL_SIM_NO_SMS_RATE: '0.25',
    });
    expect(config).toEqual({
      port: 9000,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u:p@db:5432/numpool',
      redisUrl: 'redis://cache:6379',
      dataDir: '/var/lib/numpool',
      secret: 'x'.repeat(40),
      role: 'worker',
      demo: 'off',
      demoApiKey: '0123456789abcdef0123456789abcdef',
      fxUsdIdr: 15500,
      syncIntervalSeconds: 60,
      orders: {
        ttlSeconds: 900,
        minCancelSeconds: 60,
        orphanGraceSeconds: 45,
        createTimeoutSeconds: 90,
        resendCooldownSeconds: 10,
        dailyCancelLimit: 20,
      },
      webhooks: { allowPrivate: true, retryScale: 0.5 },
      retention: { smsDays: 10, deliveryDays: 5, eventsDays: 2 },
      db: {
        poolMax: 40,
        workerPoolMax: 6,
        queuePoolMax: 3,
        statementTimeoutMs: 2500,
        workerStatementTimeoutMs: 120_000,
        connectTimeoutMs: 1_500,
      },
      rateLimit: { enabled: false, keyMax: 500, ipMax: 50, windowSeconds: 10 },
      shed: { eventLoopDelayMs: 0, poolWaiting: 25 },
      trustProxy: ['10.0.0.0/8'],
      publicUrl: 'https://numpool.example',
      mail: { smtpUrl: 'smtp://mail:25', from: 'numpool <hello@numpool.example>' },
      oidc: { issuer: 'https://accounts.example', clientId: 'client', clientSecret: 'shh' },
      sessions: { days: 7 },
      login: { accountFailures: 3, ipFailures: 30, windowSeconds: 600 },
      abuseGuard: { enabled: false, windowOrders: 30, minOrders: 12, failureRate: 0.75, banMinutes: 60 },
      sim: { port: 9100, seed: 42, smsDelayMs: 250, noSmsRate: 0.25 },
      logLevel: 'info',
    });
  });

  it('reads the trusted proxies as addresses, ranges and named ranges; refuses anything else', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ NUMPOOL_TRUST_PROXY: '10.0.0.0/8, 192.0.2.1,fd00::/8,loopback' }).trustProxy).toEqual(
      ['10.0.0.0/8', '192.0.2.1', 'fd00::/8', 'loopback'],
    );
    for (const bad of [
      'true',
      '*',
      '10.0.0.0/33',
      '::/129',
      '10.0.0.1/8/1',
      '10.0.0.0/',
      'proxy.example',
      '1,',
    ]) {
      expect(problemsOf({ NUMPOOL_TRUST_PROXY: bad })).toEqual([
        `NUMPOOL_TRUST_PROXY=${JSON.stringify(bad)}: expected comma-separated addresses or CIDR ranges of the reverse proxies in front (or loopback, linklocal, uniquelocal)`,
      ]);
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 8080, databaseUrl: undefined });
  });

  it('names every bad variable at once, with what was expected', () => {
    const problems = problemsOf({
      PORT: 'abc',
      HOST: '',
      DATABASE_URL: 'mysql://db',
      REDIS_URL: 'http://cache',
      NUMPOOL_SECRET: 'short',
      NUMPOOL_ROLE: 'everything',
      NUMPOOL_DEMO: 'yes',
      NUMPOOL_DEMO_API_KEY: 'ABCDEF0123456789ABCDEF0123456789',
      NUMPOOL_FX_USD_IDR: '-1',
    });
    const names = problems.map((p) => p.split('=')[0]);
    expect(names.sort()).toEqual(
      [
        'PORT',
        'DATABASE_URL',
        'REDIS_URL',
        'NUMPOOL_SECRET',
        'NUMPOOL_ROLE',
        'NUMPOOL_DEMO',
        'NUMPOOL_DEMO_API_KEY',
        'NUMPOOL_FX_USD_IDR',
      ].sort(),
    );
    expect(problems.find((p) => p.startsWith('PORT'))).toBe(
      'PORT="abc": expected an integer from 0 to 65535',
    );
  });

  it.each(['1.5', '-0.1', 'half'])('rejects NUMPOOL_SIM_NO_SMS_RATE=%s', (rate) => {
    expect(problemsOf({ NUMPOOL_SIM_NO_SMS_RATE: rate })).toEqual([
      `NUMPOOL_SIM_NO_SMS_RATE=${JSON.stringify(rate)}: expected a number from 0 to 1`,
    ]);
  });

  it('sizes the pools and times out request statements by default', () => {
    expect(loadConfig({}).db).toEqual({
      poolMax: 10,
      workerPoolMax: 10,
      queuePoolMax: 5,
      statementTimeoutMs: 5000,
      workerStatementTimeoutMs: 60_000,
      connectTimeoutMs: 3_000,
    });
  });

  it.each([
    ['NUMPOOL_DB_POOL_MAX', '0', 'an integer from 1 to 1000 (connections)'],
    ['NUMPOOL_DB_POOL_MAX', '1001', 'an integer from 1 to 1000 (connections)'],
    ['NUMPOOL_DB_WORKER_POOL_MAX', 'ten', 'an integer from 1 to 1000 (connections)'],
    ['NUMPOOL_DB_QUEUE_POOL_MAX', '2.5', 'an integer from 1 to 1000 (connections)'],
    ['NUMPOOL_DB_STATEMENT_TIMEOUT_MS', '0', 'an integer from 1 to 3600000 (milliseconds)'],
    ['NUMPOOL_DB_WORKER_STATEMENT_TIMEOUT_MS', '-5', 'an integer from 1 to 3600000 (milliseconds)'],
    ['NUMPOOL_DB_CONNECT_TIMEOUT_MS', '50', 'an integer from 100 to 600000 (milliseconds)'],
  ])('rejects %s=%s', (name, value, hint) => {
    expect(problemsOf({ [name]: value })).toEqual([`${name}=${JSON.stringify(value)}: expected ${hint}`]);
  });

  it('limits request rates and sheds load by default', () => {
    const config = loadConfig({});
    expect(config.rateLimit).toEqual({ enabled: true, keyMax: 12_000, ipMax: 1_200, windowSeconds: 60 });
    expect(config.shed).toEqual({ eventLoopDelayMs: 1000, poolWaiting: 100 });
  });

  it.each([
    ['NUMPOOL_RATE_LIMIT', 'yes', '1 to limit request rates, or 0 to switch the limits off'],
    ['NUMPOOL_RATE_LIMIT', 'true', '1 to limit request rates, or 0 to switch the limits off'],
    ['NUMPOOL_RATE_LIMIT_KEY_MAX', '0', 'an integer from 1 to 100000000 (points per API key per window)'],
    ['NUMPOOL_RATE_LIMIT_KEY_MAX', '1e3', 'an integer from 1 to 100000000 (points per API key per window)'],
    ['NUMPOOL_RATE_LIMIT_IP_MAX', '-1', 'an integer from 1 to 100000000 (points per address per window)'],
    [
      'NUMPOOL_RATE_LIMIT_IP_MAX',
      '100000001',
      'an integer from 1 to 100000000 (points per address per window)',
    ],
    ['NUMPOOL_RATE_LIMIT_WINDOW_SECONDS', '0', 'an integer from 1 to 86400 (seconds)'],
    ['NUMPOOL_RATE_LIMIT_WINDOW_SECONDS', '1.5', 'an integer from 1 to 86400 (seconds)'],
    ['NUMPOOL_SHED_EVENT_LOOP_DELAY_MS', '60001', 'an integer from 0 to 60000 (milliseconds; 0 = off)'],
    ['NUMPOOL_SHED_EVENT_LOOP_DELAY_MS', 'off', 'an integer from 0 to 60000 (milliseconds; 0 = off)'],
    ['NUMPOOL_SHED_POOL_WAITING', '-3', 'an integer from 0 to 1000000 (waiting requests; 0 = off)'],
  ])('rejects %s=%s', (name, value, hint) => {
    expect(problemsOf({ [name]: value })).toEqual([`${name}=${JSON.stringify(value)}: expected ${hint}`]);
  });

  it('accepts 0 to switch each shedding check off', () => {
    const config = loadConfig({ NUMPOOL_SHED_EVENT_LOOP_DELAY_MS: '0', NUMPOOL_SHED_POOL_WAITING: '0' });
    expect(config.shed).toEqual({ eventLoopDelayMs: 0, poolWaiting: 0 });
  });

  it.each(['65536', '1.5', ' 80', '0x50'])('rejects PORT=%s', (port) => {
    expect(problemsOf({ PORT: port })).toHaveLength(1);
  });
});
