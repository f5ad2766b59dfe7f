/**
 * Configuration from environment variables, parsed and validated once at boot, then passed in.
 * Nothing else reads process.env.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';

const Port = Type.Integer({ minimum: 0, maximum: 65535 });

const EnvSchema = Type.Object({
  PORT: Port,
  HOST: Type.String({ minLength: 1 }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  NUMPOOL_DATA_DIR: Type.String({ minLength: 1 }),
  NUMPOOL_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  NUMPOOL_ROLE: Type.Union([Type.Literal('all'), Type.Literal('api'), Type.Literal('worker')]),
  NUMPOOL_DEMO: Type.Union([Type.Literal('auto'), Type.Literal('1'), Type.Literal('0')]),
  NUMPOOL_DEMO_API_KEY: Type.Optional(Type.String({ pattern: '^[0-9a-f]{32}$' })),
  NUMPOOL_FX_USD_IDR: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
  NUMPOOL_SYNC_INTERVAL_SECONDS: Type.Integer({ minimum: 5, maximum: 86_400 }),
  NUMPOOL_ORDER_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86_400 }),
  NUMPOOL_MIN_CANCEL_SECONDS: Type.Integer({ minimum: 0, maximum: 3_600 }),
  NUMPOOL_ORPHAN_GRACE_SECONDS: Type.Integer({ minimum: 10, maximum: 86_400 }),
  NUMPOOL_CREATE_TIMEOUT_SECONDS: Type.Integer({ minimum: 10, maximum: 3_600 }),
  NUMPOOL_RESEND_COOLDOWN_SECONDS: Type.Integer({ minimum: 0, maximum: 3_600 }),
  NUMPOOL_DAILY_CANCEL_LIMIT: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  NUMPOOL_WEBHOOK_ALLOW_PRIVATE: Type.Union([Type.Literal('0'), Type.Literal('1')]),
  NUMPOOL_WEBHOOK_RETRY_SCALE: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
  NUMPOOL_RETENTION_SMS_DAYS: Type.Integer({ minimum: 1, maximum: 3650 }),
  NUMPOOL_RETENTION_DELIVERY_DAYS: Type.Integer({ minimum: 1, maximum: 3650 }),
  NUMPOOL_RETENTION_EVENTS_DAYS: Type.Integer({ minimum: 1, maximum: 3650 }),
  NUMPOOL_DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 1_000 }),
  NUMPOOL_DB_WORKER_POOL_MAX: Type.Integer({ minimum: 1, maximum: 1_000 }),
  NUMPOOL_DB_QUEUE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 1_000 }),
  NUMPOOL_DB_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 3_600_000 }),
  NUMPOOL_DB_WORKER_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 3_600_000 }),
  NUMPOOL_DB_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000 }),
  NUMPOOL_RATE_LIMIT: Type.Union([Type.Literal('0'), Type.Literal('1')]),
  NUMPOOL_RATE_LIMIT_KEY_MAX: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
  NUMPOOL_RATE_LIMIT_IP_MAX: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
  NUMPOOL_RATE_LIMIT_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400 }),
  NUMPOOL_SHED_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, maximum: 60_000 }),
  NUMPOOL_SHED_POOL_WAITING: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  NUMPOOL_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^/\\s]+/?$' })),
  NUMPOOL_TRUST_PROXY: Type.Optional(Type.String({ minLength: 1, maxLength: 2_000 })),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  NUMPOOL_MAIL_FROM: Type.String({ minLength: 3, maxLength: 254 }),
  NUMPOOL_OIDC_ISSUER: Type.Optional(Type.String({ pattern: '^https?://' })),
  NUMPOOL_OIDC_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  NUMPOOL_OIDC_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  NUMPOOL_SESSION_DAYS: Type.Integer({ minimum: 1, maximum: 365 }),
  NUMPOOL_LOGIN_ACCOUNT_FAILURES: Type.Integer({ minimum: 1, maximum: 1_000 }),
  NUMPOOL_LOGIN_IP_FAILURES: Type.Integer({ minimum: 1, maximum: 100_000 }),
  NUMPOOL_LOGIN_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400 }),
  NUMPOOL_ABUSE_GUARD: Type.Union([Type.Literal('0'), Type.Literal('1')]),
  NUMPOOL_ABUSE_WINDOW_ORDERS: Type.Integer({ minimum: 1, maximum: 10_000 }),
  NUMPOOL_ABUSE_MIN_ORDERS: Type.Integer({ minimum: 1, maximum: 10_000 }),
  NUMPOOL_ABUSE_FAILURE_RATE: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
  NUMPOOL_ABUSE_BAN_MINUTES: Type.Integer({ minimum: 1, maximum: 525_600 }),
  NUMPOOL_SIM_PORT: Type.Optional(Port),
  NUMPOOL_SIM_SEED: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }),
  NUMPOOL_SIM_SMS_DELAY_MS: Type.Integer({ minimum: 0, maximum: 600_000 }),
  NUMPOOL_SIM_NO_SMS_RATE: Type.Number({ minimum: 0, maximum: 1 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
  ),
});

const DEFAULTS = {
  PORT: '8080',
  HOST: '127.0.0.1',
  NUMPOOL_DATA_DIR: './.data',
  NUMPOOL_ROLE: 'all',
  NUMPOOL_DEMO: 'auto',
  NUMPOOL_FX_USD_IDR: '16000',
  NUMPOOL_SYNC_INTERVAL_SECONDS: '30',
  NUMPOOL_ORDER_TTL_SECONDS: '1200',
  NUMPOOL_MIN_CANCEL_SECONDS: '120',
  NUMPOOL_ORPHAN_GRACE_SECONDS: '120',
  NUMPOOL_CREATE_TIMEOUT_SECONDS: '300',
  NUMPOOL_RESEND_COOLDOWN_SECONDS: '30',
  NUMPOOL_DAILY_CANCEL_LIMIT: '500',
  NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '0',
  NUMPOOL_WEBHOOK_RETRY_SCALE: '1',
  NUMPOOL_RETENTION_SMS_DAYS: '30',
  NUMPOOL_RETENTION_DELIVERY_DAYS: '14',
  NUMPOOL_RETENTION_EVENTS_DAYS: '7',
  NUMPOOL_DB_POOL_MAX: '10',
  NUMPOOL_DB_WORKER_POOL_MAX: '10',
  NUMPOOL_DB_QUEUE_POOL_MAX: '5',
  NUMPOOL_DB_STATEMENT_TIMEOUT_MS: '5000',
  NUMPOOL_DB_WORKER_STATEMENT_TIMEOUT_MS: '60000',
  NUMPOOL_DB_CONNECT_TIMEOUT_MS: '3000',
  NUMPOOL_RATE_LIMIT: '1',
  // Points per window (see api/plugins/request-weights.ts): a bot polling 100 activations every second
  // spends 6000 a minute, half the key budget.
  NUMPOOL_RATE_LIMIT_KEY_MAX: '12000',
  NUMPOOL_RATE_LIMIT_IP_MAX: '1200',
  NUMPOOL_RATE_LIMIT_WINDOW_SECONDS: '60',
  NUMPOOL_SHED_EVENT_LOOP_DELAY_MS: '1000',
  NUMPOOL_SHED_POOL_WAITING: '100',
  NUMPOOL_MAIL_FROM: 'numpool <no-reply@numpool.localhost>',
  NUMPOOL_SESSION_DAYS: '14',
  NUMPOOL_LOGIN_ACCOUNT_FAILURES: '5',
  NUMPOOL_LOGIN_IP_FAILURES: '50',
  NUMPOOL_LOGIN_WINDOW_SECONDS: '900',
  NUMPOOL_ABUSE_GUARD: '1',
  NUMPOOL_ABUSE_WINDOW_ORDERS: '20',
  NUMPOOL_ABUSE_MIN_ORDERS: '10',
  NUMPOOL_ABUSE_FAILURE_RATE: '0.8',
  NUMPOOL_ABUSE_BAN_MINUTES: '15',
  NUMPOOL_SIM_SEED: '1',
  NUMPOOL_SIM_SMS_DELAY_MS: '8000',
  NUMPOOL_SIM_NO_SMS_RATE: '0.1',
  LOG_LEVEL: 'info',
} as const;

const HINTS: Record<keyof Static<typeof EnvSchema>, string> = {
  PORT: 'an integer from 0 to 65535',
  HOST: 'a host name or address to listen on',
  DATABASE_URL: 'a postgres:// or postgresql:// connection URL',
  REDIS_URL: 'a redis:// or rediss:// URL',
  NUMPOOL_DATA_DIR: 'a directory path',
  NUMPOOL_SECRET: 'at least 32 characters',
  NUMPOOL_ROLE: 'one of all, api, worker',
  NUMPOOL_DEMO: 'one of auto, 1, 0',
  NUMPOOL_DEMO_API_KEY: '32 lowercase hexadecimal characters',
  NUMPOOL_FX_USD_IDR: 'a positive integer (IDR per 1 USD)',
  NUMPOOL_SYNC_INTERVAL_SECONDS: 'an integer from 5 to 86400',
  NUMPOOL_ORDER_TTL_SECONDS: 'an integer from 60 to 86400 (seconds)',
  NUMPOOL_MIN_CANCEL_SECONDS: 'an integer from 0 to 3600 (seconds)',
  NUMPOOL_ORPHAN_GRACE_SECONDS: 'an integer from 10 to 86400 (seconds)',
  NUMPOOL_CREATE_TIMEOUT_SECONDS: 'an integer from 10 to 3600 (seconds)',
  NUMPOOL_RESEND_COOLDOWN_SECONDS: 'an integer from 0 to 3600 (seconds)',
  NUMPOOL_DAILY_CANCEL_LIMIT: 'a positive integer',
  NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '0, or 1 to allow http and private addresses (development only)',
  NUMPOOL_WEBHOOK_RETRY_SCALE: 'a number above 0 and at most 100 (1 = the standard schedule)',
  NUMPOOL_RETENTION_SMS_DAYS: 'an integer from 1 to 3650 (days)',
  NUMPOOL_RETENTION_DELIVERY_DAYS: 'an integer from 1 to 3650 (days)',
  NUMPOOL_RETENTION_EVENTS_DAYS: 'an integer from 1 to 3650 (days)',
  NUMPOOL_DB_POOL_MAX: 'an integer from 1 to 1000 (connections)',
  NUMPOOL_DB_WORKER_POOL_MAX: 'an integer from 1 to 1000 (connections)',
  NUMPOOL_DB_QUEUE_POOL_MAX: 'an integer from 1 to 1000 (connections)',
  NUMPOOL_DB_STATEMENT_TIMEOUT_MS: 'an integer from 1 to 3600000 (milliseconds)',
  NUMPOOL_DB_WORKER_STATEMENT_TIMEOUT_MS: 'an integer from 1 to 3600000 (milliseconds)',
  NUMPOOL_DB_CONNECT_TIMEOUT_MS: 'an integer from 100 to 600000 (milliseconds)',
  NUMPOOL_RATE_LIMIT: '1 to limit request rates, or 0 to switch the limits off',
  NUMPOOL_RATE_LIMIT_KEY_MAX: 'an integer from 1 to 100000000 (points per API key per window)',
  NUMPOOL_RATE_LIMIT_IP_MAX: 'an integer from 1 to 100000000 (points per address per window)',
  NUMPOOL_RATE_LIMIT_WINDOW_SECONDS: 'an integer from 1 to 86400 (seconds)',
  NUMPOOL_SHED_EVENT_LOOP_DELAY_MS: 'an integer from 0 to 60000 (milliseconds; 0 = off)',
  NUMPOOL_SHED_POOL_WAITING: 'an integer from 0 to 1000000 (waiting requests; 0 = off)',
  NUMPOOL_PUBLIC_URL:
    'the origin customers reach, such as https://numpool.example (links in mail; https makes cookies Secure)',
  NUMPOOL_TRUST_PROXY:
    'comma-separated addresses or CIDR ranges of the reverse proxies in front (or loopback, linklocal, uniquelocal)',
  SMTP_URL: 'an smtp:// or smtps:// URL (without it, mail is written to $NUMPOOL_DATA_DIR/mail/)',
  NUMPOOL_MAIL_FROM: 'a From address for outgoing mail',
  NUMPOOL_OIDC_ISSUER: 'an OpenID Connect issuer URL',
  NUMPOOL_OIDC_CLIENT_ID: 'the OpenID Connect client id',
  NUMPOOL_OIDC_CLIENT_SECRET: 'the OpenID Connect client secret',
  NUMPOOL_SESSION_DAYS: 'an integer from 1 to 365 (days a session lasts)',
  NUMPOOL_LOGIN_ACCOUNT_FAILURES: 'an integer from 1 to 1000 (failed logins per account per window)',
  NUMPOOL_LOGIN_IP_FAILURES: 'an integer from 1 to 100000 (failed logins per address per window)',
  NUMPOOL_LOGIN_WINDOW_SECONDS: 'an integer from 1 to 86400 (seconds)',
  NUMPOOL_ABUSE_GUARD: '1 to block accounts whose orders mostly fail, or 0 to switch the guard off',
  NUMPOOL_ABUSE_WINDOW_ORDERS: 'an integer from 1 to 10000 (recent orders judged)',
  NUMPOOL_ABUSE_MIN_ORDERS: 'an integer from 1 to 10000 (orders needed before judging)',
  NUMPOOL_ABUSE_FAILURE_RATE: 'a number above 0 and at most 1 (share of failed orders that blocks)',
  NUMPOOL_ABUSE_BAN_MINUTES: 'an integer from 1 to 525600 (first block; each repeat is longer)',
  NUMPOOL_SIM_PORT: 'an integer from 0 to 65535',
  NUMPOOL_SIM_SEED: 'a non-negative integer',
  NUMPOOL_SIM_SMS_DELAY_MS: 'an integer from 0 to 600000 (milliseconds)',
  NUMPOOL_SIM_NO_SMS_RATE: 'a number from 0 to 1',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent',
};

const NUMERIC = new Set<string>([
  'PORT',
  'NUMPOOL_FX_USD_IDR',
  'NUMPOOL_SYNC_INTERVAL_SECONDS',
  'NUMPOOL_ORDER_TTL_SECONDS',
  'NUMPOOL_MIN_CANCEL_SECONDS',
  'NUMPOOL_ORPHAN_GRACE_SECONDS',
  'NUMPOOL_CREATE_TIMEOUT_SECONDS',
  'NUMPOOL_RESEND_COOLDOWN_SECONDS',
  'NUMPOOL_DAILY_CANCEL_LIMIT',
  'NUMPOOL_RETENTION_SMS_DAYS',
  'NUMPOOL_RETENTION_DELIVERY_DAYS',
  'NUMPOOL_RETENTION_EVENTS_DAYS',
  'NUMPOOL_DB_POOL_MAX',
  'NUMPOOL_DB_WORKER_POOL_MAX',
  'NUMPOOL_DB_QUEUE_POOL_MAX',
  'NUMPOOL_DB_STATEMENT_TIMEOUT_MS',
  'NUMPOOL_DB_WORKER_STATEMENT_TIMEOUT_MS',
  'NUMPOOL_DB_CONNECT_TIMEOUT_MS',
  'NUMPOOL_RATE_LIMIT_KEY_MAX',
  'NUMPOOL_RATE_LIMIT_IP_MAX',
  'NUMPOOL_RATE_LIMIT_WINDOW_SECONDS',
  'NUMPOOL_SHED_EVENT_LOOP_DELAY_MS',
  'NUMPOOL_SHED_POOL_WAITING',
  'NUMPOOL_SESSION_DAYS',
  'NUMPOOL_LOGIN_ACCOUNT_FAILURES',
  'NUMPOOL_LOGIN_IP_FAILURES',
  'NUMPOOL_LOGIN_WINDOW_SECONDS',
  'NUMPOOL_ABUSE_WINDOW_ORDERS',
  'NUMPOOL_ABUSE_MIN_ORDERS',
  'NUMPOOL_ABUSE_BAN_MINUTES',
  'NUMPOOL_SIM_PORT',
  'NUMPOOL_SIM_SEED',
  'NUMPOOL_SIM_SMS_DELAY_MS',
]);
const FRACTIONAL = new Set<string>([
  'NUMPOOL_SIM_NO_SMS_RATE',
  'NUMPOOL_WEBHOOK_RETRY_SCALE',
  'NUMPOOL_ABUSE_FAILURE_RATE',
]);

export type Role = Static<typeof EnvSchema>['NUMPOOL_ROLE'];

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  secret: string | undefined;
  role: Role;
  demo: 'auto' | 'on' | 'off';
  demoApiKey: string | undefined;
  fxUsdIdr: number;
  syncIntervalSeconds: number;
  orders: {
    ttlSeconds: number;
    minCancelSeconds: number;
    /** How long an upstream activation no order owns waits before it is cancelled at the provider. */
    orphanGraceSeconds: number;
    /**
     * The longest a create may run (candidates × provider timeouts): its idempotency key is locked this
     * long, and an order still provisioning a minute past it was left by a dead process and is released.
     */
    createTimeoutSeconds: number;
    resendCooldownSeconds: number;
    dailyCancelLimit: number;
  };
  /** retryScale multiplies the retry schedule (1 = standard; small values for development and tests). */
  webhooks: { allowPrivate: boolean; retryScale: number };
  retention: { smsDays: number; deliveryDays: number; eventsDays: number };
  /**
   * Connection pools per process: `poolMax` serves HTTP requests, `workerPoolMax` background work (jobs,
   * sweeps, boot, admin commands), `queuePoolMax` the job queue's own bookkeeping. Request-path statements
   * are cut off after `statementTimeoutMs`; background ones after `workerStatementTimeoutMs`. A
   * connection not had within `connectTimeoutMs` (a database down or gone silent) fails the request
   * with a 503 instead of leaving it hanging.
   */
  db: {
    poolMax: number;
    workerPoolMax: number;
    queuePoolMax: number;
    statementTimeoutMs: number;
    workerStatementTimeoutMs: number;
    connectTimeoutMs: number;
  };
  /**
   * Request budgets in points per window (a request costs its weight): per API key for authenticated
   * requests, per client address for those without a valid key.
   */
  rateLimit: { enabled: boolean; keyMax: number; ipMax: number; windowSeconds: number };
  /** Load shedding: refuse requests (503) past these levels; 0 switches a check off. */
  shed: { eventLoopDelayMs: number; poolWaiting: number };
  /**
   * The reverse proxies whose X-Forwarded-For is believed (addresses, CIDR ranges, or proxy-addr's
   * loopback / linklocal / uniquelocal). Empty: the client is the peer of the connection. Never "any":
   * a client could then name any address and escape the per-address limits.
   */
  trustProxy: string[];
  /** The origin customers reach (links in mail, OIDC redirect); https makes session cookies Secure. */
  publicUrl: string;
  /** Without smtpUrl, mail is written to $NUMPOOL_DATA_DIR/mail/ and logged (sandbox). */
  mail: { smtpUrl: string | undefined; from: string };
  /** Sign-in with an OpenID Connect provider, when all three are set. */
  oidc: { issuer: string; clientId: string; clientSecret: string } | undefined;
  sessions: { days: number };
  /** Failed logins allowed per account and per address within the window before logins are refused. */
  login: { accountFailures: number; ipFailures: number; windowSeconds: number };
  /**
   * Create is refused for escalating periods (banMinutes, then longer) when, of an account's last
   * windowOrders finished orders (at least minOrders), the share without an SMS reaches failureRate.
   */
  abuseGuard: {
    enabled: boolean;
    windowOrders: number;
    minOrders: number;
    failureRate: number;
    banMinutes: number;
  };
  sim: { port: number | undefined; seed: number; smsDelayMs: number; noSmsRate: number };
  logLevel: Static<typeof EnvSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Parses the environment; throws ConfigError naming every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of Object.keys(HINTS)) {
    const given = env[name] === '' ? undefined : env[name];
    const value = given ?? DEFAULTS[name as keyof typeof DEFAULTS];
    if (value === undefined) continue;
    if (NUMERIC.has(name)) {
      if (!/^\d+$/.test(value)) {
        problems.push(`${name}=${JSON.stringify(value)}: expected ${HINTS[name as keyof typeof HINTS]}`);
        continue;
      }
      raw[name] = Number(value);
    } else if (FRACTIONAL.has(name)) {
      if (!/^\d+(\.\d+)?$/.test(value)) {
        problems.push(`${name}=${JSON.stringify(value)}: expected ${HINTS[name as keyof typeof HINTS]}`);
        continue;
      }
      raw[name] = Number(value);
    } else {
      raw[name] = value;
    }
  }
  // Each variable on its own, so every bad one is named (one schema-wide pass stops after a few errors).
  for (const [name, schema] of Object.entries(EnvSchema.properties)) {
    if (name in raw && !Value.Check(schema, raw[name])) {
      problems.push(
        `${name}=${JSON.stringify(env[name] ?? '')}: expected ${HINTS[name as keyof typeof HINTS]}`,
      );
    }
  }
  const trustProxy =
    typeof raw.NUMPOOL_TRUST_PROXY === 'string' ? trustedProxies(raw.NUMPOOL_TRUST_PROXY) : [];
  if (trustProxy === undefined)
    problems.push(
      `NUMPOOL_TRUST_PROXY=${JSON.stringify(env.NUMPOOL_TRUST_PROXY)}: expected ${HINTS.NUMPOOL_TRUST_PROXY}`,
    );
  if (problems.length > 0) throw new ConfigError(problems);

  const parsed = raw as Static<typeof EnvSchema>;
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL,
    redisUrl: parsed.REDIS_URL,
    dataDir: resolve(parsed.NUMPOOL_DATA_DIR),
    secret: parsed.NUMPOOL_SECRET,
    role: parsed.NUMPOOL_ROLE,
    demo: ({ auto: 'auto', '1': 'on', '0': 'off' } as const)[parsed.NUMPOOL_DEMO],
    demoApiKey: parsed.NUMPOOL_DEMO_API_KEY,
    fxUsdIdr: parsed.NUMPOOL_FX_USD_IDR,
    syncIntervalSeconds: parsed.NUMPOOL_SYNC_INTERVAL_SECONDS,
    orders: {
      ttlSeconds: parsed.NUMPOOL_ORDER_TTL_SECONDS,
      minCancelSeconds: parsed.NUMPOOL_MIN_CANCEL_SECONDS,
      orphanGraceSeconds: parsed.NUMPOOL_ORPHAN_GRACE_SECONDS,
      createTimeoutSeconds: parsed.NUMPOOL_CREATE_TIMEOUT_SECONDS,
      resendCooldownSeconds: parsed.NUMPOOL_RESEND_COOLDOWN_SECONDS,
      dailyCancelLimit: parsed.NUMPOOL_DAILY_CANCEL_LIMIT,
    },
    webhooks: {
      allowPrivate: parsed.NUMPOOL_WEBHOOK_ALLOW_PRIVATE === '1',
      retryScale: parsed.NUMPOOL_WEBHOOK_RETRY_SCALE,
    },
    retention: {
      smsDays: parsed.NUMPOOL_RETENTION_SMS_DAYS,
      deliveryDays: parsed.NUMPOOL_RETENTION_DELIVERY_DAYS,
      eventsDays: parsed.NUMPOOL_RETENTION_EVENTS_DAYS,
    },
    db: {
      poolMax: parsed.NUMPOOL_DB_POOL_MAX,
      workerPoolMax: parsed.NUMPOOL_DB_WORKER_POOL_MAX,
      queuePoolMax: parsed.NUMPOOL_DB_QUEUE_POOL_MAX,
      statementTimeoutMs: parsed.NUMPOOL_DB_STATEMENT_TIMEOUT_MS,
      workerStatementTimeoutMs: parsed.NUMPOOL_DB_WORKER_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: parsed.NUMPOOL_DB_CONNECT_TIMEOUT_MS,
    },
    rateLimit: {
      enabled: parsed.NUMPOOL_RATE_LIMIT === '1',
      keyMax: parsed.NUMPOOL_RATE_LIMIT_KEY_MAX,
      ipMax: parsed.NUMPOOL_RATE_LIMIT_IP_MAX,
      windowSeconds: parsed.NUMPOOL_RATE_LIMIT_WINDOW_SECONDS,
    },
    shed: {
      eventLoopDelayMs: parsed.NUMPOOL_SHED_EVENT_LOOP_DELAY_MS,
      poolWaiting: parsed.NUMPOOL_SHED_POOL_WAITING,
    },
    trustProxy: trustProxy ?? [],
    publicUrl: (parsed.NUMPOOL_PUBLIC_URL ?? `http://${parsed.HOST}:${parsed.PORT}`).replace(/\/$/, ''),
    mail: { smtpUrl: parsed.SMTP_URL, from: parsed.NUMPOOL_MAIL_FROM },
    oidc:
      parsed.NUMPOOL_OIDC_ISSUER && parsed.NUMPOOL_OIDC_CLIENT_ID && parsed.NUMPOOL_OIDC_CLIENT_SECRET
        ? {
            issuer: parsed.NUMPOOL_OIDC_ISSUER,
            clientId: parsed.NUMPOOL_OIDC_CLIENT_ID,
            clientSecret: parsed.NUMPOOL_OIDC_CLIENT_SECRET,
          }
        : undefined,
    sessions: { days: parsed.NUMPOOL_SESSION_DAYS },
    login: {
      accountFailures: parsed.NUMPOOL_LOGIN_ACCOUNT_FAILURES,
      ipFailures: parsed.NUMPOOL_LOGIN_IP_FAILURES,
      windowSeconds: parsed.NUMPOOL_LOGIN_WINDOW_SECONDS,
    },
    abuseGuard: {
      enabled: parsed.NUMPOOL_ABUSE_GUARD === '1',
      windowOrders: parsed.NUMPOOL_ABUSE_WINDOW_ORDERS,
      minOrders: parsed.NUMPOOL_ABUSE_MIN_ORDERS,
      failureRate: parsed.NUMPOOL_ABUSE_FAILURE_RATE,
      banMinutes: parsed.NUMPOOL_ABUSE_BAN_MINUTES,
    },
    sim: {
      port: parsed.NUMPOOL_SIM_PORT,
      seed: parsed.NUMPOOL_SIM_SEED,
      smsDelayMs: parsed.NUMPOOL_SIM_SMS_DELAY_MS,
      noSmsRate: parsed.NUMPOOL_SIM_NO_SMS_RATE,
    },
    logLevel: parsed.LOG_LEVEL,
  };
}

const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** The NUMPOOL_TRUST_PROXY list, each entry an address, a CIDR range or a named range; undefined if bad. */
function trustedProxies(value: string): string[] | undefined {
  const entries = value.split(',').map((e) => e.trim());
  const valid = entries.every((entry) => {
    if (PROXY_RANGES.has(entry)) return true;
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined) return false;
    if (prefix === undefined) return true;
    return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
  });
  return valid ? entries : undefined;
}
