/**
 * The numpool command: start | api | worker | migrate | admin …
 * Exit codes: 0 ok, 1 operation failed, 2 bad configuration or usage.
 */
import { Command, InvalidArgumentError } from 'commander';
import { createAccount } from './accounts/create-account.ts';
import { findAccount } from './accounts/find-account.ts';
import { issueApiKey } from './accounts/issue-api-key.ts';
import { type Config, ConfigError, loadConfig, type Role } from './config.ts';
import { deposit } from './ledger/deposit.ts';
import { getBalance } from './ledger/get-balance.ts';
import type { AppContext } from './platform/context.ts';
import { isDomainError } from './platform/errors.ts';
import { createLogger } from './platform/logger.ts';
import { openRuntime } from './runtime/open-runtime.ts';
import { start } from './runtime/start.ts';
import { VERSION } from './runtime/version.ts';

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
  .action(async (options: { email: string; role: 'customer' | 'admin'; password?: string }) => {
    const { account, generatedPassword } = await withRuntime((ctx) => createAccount({ ctx, input: options }));
    console.log(
      JSON.stringify({
        id: account.id,
        email: account.email,
        role: account.role,
        password: generatedPassword,
      }),
    );
  });
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
      return deposit({
        ctx,
        input: {
          accountId: account.id,
          amount: options.amount,
          externalId: options.reference,
          memo: 'admin credit',
        },
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
