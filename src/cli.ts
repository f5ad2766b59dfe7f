/**
 * The numpool command: start | api | worker | migrate | admin …
 * Exit codes: 0 ok, 1 operation failed, 2 bad configuration or usage.
 */
import { Command, InvalidArgumentError } from 'commander';
import { createAccount } from './accounts/create-account.ts';
import { findAccount } from './accounts/find-account.ts';
import { issueApiKey } from './accounts/issue-api-key.ts';
import type { AppContext } from './app-context.ts';
import { CLI_ACTOR } from './audit/audit-actor.ts';
import { recordAudit } from './audit/record-audit.ts';
import { type Config, ConfigError, loadConfig, type Role } from './config.ts';
import { checkLedger } from './ledger/check-ledger.ts';
import { deposit } from './ledger/deposit.ts';
import { getBalance } from './ledger/get-balance.ts';
import { refundCompletedOrder } from './orders/manual-refund.ts';
import { configureGateway } from './payments/configure-gateway.ts';
import { assertGatewayCode } from './payments/gateway-settings.ts';
import { reconcileTopups } from './payments/reconcile-topups.ts';
import { resolveTopupReview } from './payments/resolve-topup-review.ts';
import { setTopupBonus } from './payments/set-topup-bonus.ts';
import { withTransaction } from './platform/db.ts';
import { isDomainError } from './platform/errors.ts';
import { createLogger } from './platform/logger.ts';
import { setFxRate } from './pricing/fx-rates.ts';
import { type MarkupScope, setMarkupRule } from './pricing/markup-rules.ts';
import { getProvider, listProviders } from './providers/list-providers.ts';
import type { ProviderRecord } from './providers/provider.ts';
import { createProvider, updateProvider } from './providers/save-provider.ts';
import { syncProviderOffers } from './providers/sync-offers.ts';
import { openRuntime } from './runtime/open-runtime.ts';
import { start } from './runtime/start.ts';
import { VERSION } from './runtime/version.ts';
import { DEFAULT_PERSONAS, startSimulator } from './sim/index.ts';

function config(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig(), ...overrides };
}

/** One-shot commands log only warnings unless LOG_LEVEL says otherwise. */
async function withRuntime<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const cfg = config();
  const runtime = await openRuntime(cfg, createLogger(process.env.LOG_LEVEL ? cfg.logLevel : 'warn'));
  try {
    return await fn(runtime.ctx);
  } finally {
    await runtime.close();
  }
}

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) === 0) {
    throw new InvalidArgumentError('expected a positive whole number');
  }
  return Number(value);
}

function role(value: string): Role {
  if (value !== 'all' && value !== 'api' && value !== 'worker')
    throw new InvalidArgumentError('all, api or worker');
  return value;
}

const program = new Command('numpool').version(VERSION).description('numpool SMS-verification platform');

program
  .command('start')
  .description('run numpool (API and background work; sandbox mode when no provider is configured)')
  .option('--role <role>', 'all | api | worker (default: NUMPOOL_ROLE or all)', role)
  .action(async (options: { role?: Role }) => start(config(options.role ? { role: options.role } : {})));
program
  .command('api')
  .description('run only the HTTP API')
  .action(async () => start(config({ role: 'api' })));
program
  .command('worker')
  .description('run only background work')
  .action(async () => start(config({ role: 'worker' })));

program
  .command('migrate')
  .description('apply database migrations and the catalog seed, then exit')
  .action(async () => {
    await withRuntime(async () => undefined);
    console.log('database is up to date');
  });

const admin = program.command('admin').description('operator tasks');
admin
  .command('create-account')
  .description('create an account (prints a generated password when none is given)')
  .requiredOption('--email <email>')
  .option('--role <role>', 'customer | admin', 'customer')
  .option('--password <password>')
  .option('--api-key', 'also issue an API key, printed as api_key (shown only now)')
  .action(
    async (options: { email: string; role: 'customer' | 'admin'; password?: string; apiKey?: boolean }) => {
      // The account and its key exist together or not at all.
      const { account, generatedPassword, key } = await withRuntime((ctx) =>
        withTransaction(ctx, async (tx) => {
          const created = await createAccount({
            ctx: tx,
            input: { email: options.email, role: options.role, password: options.password, actor: CLI_ACTOR },
          });
          const issued = options.apiKey
            ? await issueApiKey({ ctx: tx, input: { accountId: created.account.id } })
            : undefined;
          return { ...created, key: issued?.key };
        }),
      );
      console.log(
        JSON.stringify({
          id: account.id,
          email: account.email,
          role: account.role,
          password: generatedPassword,
          api_key: key,
        }),
      );
    },
  );
admin
  .command('issue-key')
  .description('issue an API key for an account; the key is shown only now')
  .requiredOption('--account <id|email>')
  .option('--name <name>', 'label for the key', 'default')
  .action(async (options: { account: string; name: string }) => {
    const issued = await withRuntime(async (ctx) => {
      const account = await findAccount({ ctx, input: { ref: options.account } });
      return issueApiKey({ ctx, input: { accountId: account.id, name: options.name } });
    });
    console.log(JSON.stringify({ id: issued.id, api_key: issued.key }));
  });
admin
  .command('credit')
  .description('credit an account balance (a posted deposit, in IDR)')
  .requiredOption('--account <id|email>')
  .requiredOption('--amount <idr>', 'whole IDR', positiveInteger)
  .option('--reference <ref>', 'payment reference: a repeat with the same reference credits once')
  .action(async (options: { account: string; amount: number; reference?: string }) => {
    const result = await withRuntime(async (ctx) => {
      const account = await findAccount({ ctx, input: { ref: options.account } });
      return withTransaction(ctx, async (tx) => {
        const credited = await deposit({
          ctx: tx,
          input: {
            accountId: account.id,
            amount: options.amount,
            externalId: options.reference,
            memo: 'admin credit',
          },
        });
        if (!credited.replayed) {
          await recordAudit({
            ctx: tx,
            input: {
              actor: CLI_ACTOR,
              action: 'account.deposit',
              target: { type: 'account', id: account.id },
              after: {
                amount: options.amount,
                reference: options.reference ?? null,
                transfer_id: credited.transferId,
                balance: credited.balance,
              },
            },
          });
        }
        return credited;
      });
    });
    console.log(
      JSON.stringify({
        transfer_id: result.transferId,
        replayed: result.replayed,
        balance: result.balance.available,
      }),
    );
  });
admin
  .command('balance')
  .description("show an account's balance (IDR)")
  .requiredOption('--account <id|email>')
  .action(async (options: { account: string }) => {
    const balance = await withRuntime(async (ctx) => {
      const account = await findAccount({ ctx, input: { ref: options.account } });
      return getBalance({ ctx, input: { accountId: account.id } });
    });
    console.log(JSON.stringify(balance));
  });

const providerOptions = (command: Command) =>
  command
    .option('--name <name>')
    .option('--base-url <url>')
    .option('--credential <secret>', 'API key or token; stored sealed with NUMPOOL_SECRET')
    .option('--currency <currency>', 'USD | RUB | IDR')
    .option('--priority <n>', 'lower goes first among equal offers', Number)
    .option('--timeout-ms <ms>', 'per-request timeout', Number)
    .option('--dialect <dialect>', 'handler providers: auto | plain | json');

interface ProviderFlags {
  name?: string;
  baseUrl?: string;
  credential?: string;
  currency?: 'USD' | 'RUB' | 'IDR';
  priority?: number;
  timeoutMs?: number;
  dialect?: string;
}

const providerChanges = (flags: ProviderFlags) => ({
  name: flags.name,
  baseUrl: flags.baseUrl,
  credential: flags.credential,
  currency: flags.currency,
  priority: flags.priority,
  timeoutMs: flags.timeoutMs,
  settings: flags.dialect ? { dialect: flags.dialect } : undefined,
});

const printProvider = (p: ProviderRecord) =>
  console.log(
    JSON.stringify({
      id: p.id,
      code: p.code,
      kind: p.kind,
      enabled: p.enabled,
      base_url: p.baseUrl,
      currency: p.currency,
      priority: p.priority,
      last_sync_at: p.lastSyncAt,
      last_sync_error: p.lastSyncError,
    }),
  );

providerOptions(
  admin
    .command('provider-add')
    .description('register an upstream provider')
    .requiredOption('--code <code>')
    .requiredOption('--kind <kind>', 'handler | fivesim'),
).action(async (flags: ProviderFlags & { code: string; kind: 'handler' | 'fivesim' }) => {
  if (!flags.baseUrl) throw new InvalidArgumentError('--base-url is required');
  const { baseUrl } = flags;
  printProvider(
    await withRuntime((ctx) =>
      createProvider({
        ctx,
        input: { ...providerChanges(flags), code: flags.code, kind: flags.kind, baseUrl, actor: CLI_ACTOR },
      }),
    ),
  );
});
providerOptions(admin.command('provider-update <provider>').description("change a provider's settings"))
  .option('--enable')
  .option('--disable')
  .action(async (ref: string, flags: ProviderFlags & { enable?: boolean; disable?: boolean }) => {
    const enabled = flags.enable ? true : flags.disable ? false : undefined;
    printProvider(
      await withRuntime((ctx) =>
        updateProvider({
          ctx,
          input: { ref, changes: { ...providerChanges(flags), enabled }, actor: CLI_ACTOR },
        }),
      ),
    );
  });
admin
  .command('provider-list')
  .description('list providers')
  .action(async () => {
    for (const provider of await withRuntime((ctx) => listProviders({ ctx }))) printProvider(provider);
  });
admin
  .command('provider-sync <provider>')
  .description("refresh a provider's offers now")
  .action(async (ref: string) => {
    const summary = await withRuntime(async (ctx) => {
      const provider = await getProvider({ ctx, input: { ref } });
      return syncProviderOffers({ ctx, input: { providerId: provider.id, actor: CLI_ACTOR } });
    });
    console.log(JSON.stringify(summary));
  });
admin
  .command('markup-set')
  .description('set the markup of a scope: selling price = ceil(cost × multiplier) + add')
  .requiredOption('--scope <scope>', 'global | provider | country | platform')
  .option('--id <id>', 'the provider, country or platform id', Number)
  .requiredOption('--multiplier <m>', 'e.g. 1.3', Number)
  .option('--add-idr <idr>', 'fixed IDR added', Number)
  .action(async (flags: { scope: MarkupScope; id?: number; multiplier: number; addIdr?: number }) => {
    const rule = await withRuntime((ctx) =>
      setMarkupRule({
        ctx,
        input: {
          scope: flags.scope,
          providerId: flags.id,
          countryId: flags.id,
          platformId: flags.id,
          multiplier: flags.multiplier,
          addIdr: flags.addIdr,
          actor: CLI_ACTOR,
        },
      }),
    );
    console.log(JSON.stringify(rule));
  });
admin
  .command('fx-set <currency> <idrPerUnit>')
  .description('set an exchange rate (IDR per unit of USD or RUB); kept across restarts')
  .action(async (currency: 'USD' | 'RUB', idrPerUnit: string) => {
    const rate = await withRuntime((ctx) =>
      setFxRate({ ctx, input: { currency, idrPerUnit: Number(idrPerUnit), actor: CLI_ACTOR } }),
    );
    console.log(JSON.stringify(rate));
  });

admin
  .command('refund <order>')
  .description('refund a completed order in full (a new reversing transfer; once per order; audited)')
  .requiredOption('--reason <text>', 'why (kept on the transfer and in the audit log)')
  .action(async (order: string, flags: { reason: string }) => {
    // The same verb as the console's refund: only a completed order, once, audited in its transaction.
    const refund = await withRuntime((ctx) =>
      refundCompletedOrder({
        ctx,
        input: { orderId: positiveInteger(order), reason: flags.reason, actor: CLI_ACTOR },
      }),
    );
    console.log(JSON.stringify(refund));
  });
admin
  .command('gateway-set <gateway>')
  .description('configure a payment gateway (heleket, duitku, stripe); credentials are stored sealed')
  .requiredOption('--base-url <url>', "the gateway's API origin")
  .requiredOption('--currencies <list>', 'comma-separated currencies accepted, e.g. USD or IDR')
  .option(
    '--credential <name=value...>',
    'heleket: merchant, paymentKey; duitku: merchantCode, apiKey; stripe: secretKey, webhookSecret',
  )
  .option('--methods <list>', 'comma-separated payment methods (Duitku codes)')
  .option('--min <amount>', 'smallest top-up, in the currency')
  .option('--max <amount>', 'largest top-up, in the currency')
  .option('--fee <percent>', 'fee deducted from what top-ups credit, e.g. 2.9 (default 0)')
  .option('--disable', 'stop offering it')
  .action(async (gateway: string, flags: GatewayFlags) => {
    const view = await withRuntime((ctx) =>
      configureGateway({
        ctx,
        input: {
          code: assertGatewayCode(gateway),
          enabled: !flags.disable,
          baseUrl: flags.baseUrl,
          credentials: flags.credential ? credentialPairs(flags.credential) : undefined,
          currencies: flags.currencies.split(',').map((c) => c.trim().toUpperCase()),
          methods: flags.methods?.split(',').map((m) => m.trim().toUpperCase()),
          minAmount: flags.min,
          maxAmount: flags.max,
          feePercent: flags.fee,
          actor: CLI_ACTOR,
        },
      }),
    );
    console.log(JSON.stringify(view));
  });

admin
  .command('payments-reconcile')
  .description('re-check recent top-ups with their gateways now: credit missed payments, report mismatches')
  .action(async () => {
    const summary = await withRuntime((ctx) => reconcileTopups({ ctx }));
    console.log(JSON.stringify(summary));
    // Unresolved mismatches seen: an operator has something to look at (GET /admin/api/payments/mismatches).
    if (summary.mismatches.found > 0) process.exitCode = 1;
  });
admin
  .command('topup-resolve <topup> <decision>')
  .description(
    'decide a top-up in review: credit (re-checked with the gateway; what it says was paid, once) or reject',
  )
  .requiredOption('--note <text>', 'why (kept on the top-up and in the audit log)')
  .action(async (topup: string, decision: string, flags: { note: string }) => {
    if (decision !== 'credit' && decision !== 'reject')
      throw new InvalidArgumentError('the decision is credit or reject');
    const resolved = await withRuntime((ctx) =>
      resolveTopupReview({
        ctx,
        input: { topupId: topup, action: decision, note: flags.note, actor: CLI_ACTOR },
      }),
    );
    console.log(
      JSON.stringify({
        topup: resolved.topup.publicId,
        status: resolved.topup.status,
        credited_idr: resolved.creditedIdr,
        transfer_id: resolved.transferId,
        gateway_status: resolved.gatewayStatus,
      }),
    );
  });

interface GatewayFlags {
  baseUrl: string;
  currencies: string;
  credential?: string[];
  methods?: string;
  min?: string;
  max?: string;
  fee?: string;
  disable?: boolean;
}

admin
  .command('topup-bonus-set [tiers...]')
  .description(
    'set the loyalty bonus tiers as min_idr:percent, e.g. 500000:4 2000000:10 (none: bonuses off); ' +
      'top-ups already started keep theirs',
  )
  .action(async (tiers: string[]) => {
    const parsed = tiers.map((tier) => {
      const match = /^([0-9]{1,13}):([0-9]{1,3}(?:\.[0-9]{1,2})?)$/.exec(tier);
      if (!match) throw new InvalidArgumentError(`${tier}: expected min_idr:percent, e.g. 500000:4`);
      return { minIdr: Number(match[1]), percent: match[2]! };
    });
    const bonus = await withRuntime((ctx) =>
      setTopupBonus({ ctx, input: { tiers: parsed, actor: CLI_ACTOR } }),
    );
    console.log(
      JSON.stringify({ tiers: bonus.tiers.map((t) => ({ min_idr: t.minIdr, percent: t.percent })) }),
    );
  });

function credentialPairs(pairs: string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new InvalidArgumentError(`--credential ${pair}: expected name=value`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

admin
  .command('ledger-check')
  .description('verify the ledger invariants; exits 1 and lists violations if any')
  .action(async () => {
    const violations = await withRuntime((ctx) => checkLedger({ ctx }));
    for (const v of violations) console.log(JSON.stringify(v));
    if (violations.length > 0) process.exitCode = 1;
    else console.log('ledger is consistent');
  });

program
  .command('sim')
  .description('run the provider simulator on its own (NUMPOOL_SIM_PORT, default 8081)')
  .action(async () => {
    const { sim } = config();
    const simulator = await startSimulator({
      port: sim.port ?? 8081,
      seed: sim.seed,
      smsDelayMs: sim.smsDelayMs,
      noSmsRate: sim.noSmsRate,
      log: createLogger(process.env.LOG_LEVEL ?? 'info', 'numpool-sim'),
    });
    for (const persona of DEFAULT_PERSONAS) {
      console.log(
        JSON.stringify({
          persona: persona.name,
          protocol: persona.protocol,
          base_url: simulator.baseUrl(persona.name),
          credential: persona.credential,
          currency: persona.currency,
        }),
      );
    }
    console.log(`control API: ${simulator.url}/control/personas`);
    const stop = () => void simulator.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(
    `error: ${isDomainError(error) ? error.message : error instanceof Error ? error.message : String(error)}`,
  );
  if (!isDomainError(error) && error instanceof Error && process.env.LOG_LEVEL === 'debug')
    console.error(error.stack);
  process.exit(1);
}
