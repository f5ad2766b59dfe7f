/**
 * `numpool start`: boots the roles this process plays (api, worker or both) and shuts down gracefully.
 *
 * Sandbox mode (no real provider configured, or NUMPOOL_DEMO=1): demo accounts, and the provider
 * simulator in this process with its personas registered as providers.
 *
 * HTTP requests draw on the request pool, jobs, sweeps and the sandbox's set-up on the background pool
 * (see open-runtime.ts).
 *
 * SIGINT/SIGTERM: stop accepting connections, let in-flight requests and jobs finish (up to 10 s), stop
 * the simulator, close the pool, then stop the embedded PostgreSQL if this process started it (all within
 * 60 s; past that the process exits with 1). A second signal exits at once.
 */
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.ts';
import type { AppContext } from '../app-context.ts';
import type { Config } from '../config.ts';
import { type JobRunner, startJobs } from '../jobs/job-runner.ts';
import { createLogger } from '../platform/logger.ts';
import { countEnabledProviders } from '../providers/count-enabled-providers.ts';
import { type DemoCredentials, demoFilePath, ensureDemoAccounts } from '../sandbox/ensure-demo-accounts.ts';
import { sandboxBanWarning } from '../sandbox/sandbox-ban-odds.ts';
import { sandboxGatewaysFile, startSandboxGateways } from '../sandbox/start-sandbox-gateways.ts';
import {
  connectSandboxPush,
  type SandboxSupply,
  startSandboxProviders,
} from '../sandbox/start-sandbox-providers.ts';
import type { GatewaySimulator } from '../sim/gateways/gateway-sim-server.ts';
import { openRuntime } from './open-runtime.ts';
import { VERSION } from './version.ts';

async function sandboxWanted(ctx: AppContext): Promise<boolean> {
  if (ctx.config.demo === 'on') return true;
  if (ctx.config.demo === 'off') return false;
  return (await countEnabledProviders({ ctx })) === 0;
}

function printSandboxBanner(
  config: Config,
  url: string | undefined,
  demo: DemoCredentials,
  supply?: SandboxSupply,
  gateways?: GatewaySimulator,
): void {
  const lines = [
    '',
    'numpool sandbox is running',
    ...(url ? [`  API:       ${url}   (docs: ${url}/docs)`] : []),
    `  customer:  ${demo.email} / ${demo.password}`,
    `  API key:   ${demo.api_key}`,
    `  admin:     ${demo.admin_email} / ${demo.admin_password}`,
    `  saved in:  ${demoFilePath(config.dataDir)}`,
    ...(supply
      ? [
          `  providers: ${supply.providers.map((p) => p.code).join(', ')} (simulated at ${supply.simulator.url}/control)`,
          ...[sandboxBanWarning(config)].filter((line) => line !== undefined),
        ]
      : []),
    ...(gateways ? [`  payments:  heleket, duitku, stripe (simulated at ${gateways.url}/control)`] : []),
    ...(url
      ? [`  try:       curl -H "Authorization: Bearer ${demo.api_key}" ${url}/v1/catalog/countries`]
      : []),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The simulator listens next to the API unless told otherwise (and on a free port when the API does). */
function simulatorPort(config: Config): number {
  if (config.sim.port !== undefined) return config.sim.port;
  return config.port === 0 ? 0 : config.port + 1;
}

const DRAIN_MS = 10_000;
const STOP_MS = 60_000;

/** Whether work finished within ms (it is not cancelled either way). */
async function within(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function start(config: Config): Promise<void> {
  const log = createLogger(config.logLevel);
  const runtime = await openRuntime(config, log);
  const { ctx } = runtime;
  const servesApi = config.role === 'all' || config.role === 'api';
  let app: FastifyInstance | undefined;
  let jobs: JobRunner | undefined;
  let supply: SandboxSupply | undefined;
  let gateways: GatewaySimulator | undefined;

  // In-flight requests and jobs get DRAIN_MS; stopping the database comes after and is not cut short by
  // it (on a loaded machine an embedded PostgreSQL can take seconds to stop), within STOP_MS in all.
  closeWithGrace({ delay: STOP_MS }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error');
    else log.info({ signal }, 'shutting down');
    const drained = await within(
      DRAIN_MS,
      (async () => {
        await app?.close();
        await jobs?.stop();
      })(),
    );
    if (!drained) log.warn({ afterMs: DRAIN_MS }, 'stopping with requests or jobs still running');
    await supply?.simulator.close();
    await gateways?.close();
    await runtime.close();
  });

  if (config.webhooks.allowPrivate) {
    log.warn(
      'NUMPOOL_WEBHOOK_ALLOW_PRIVATE=1: webhooks may reach http and private addresses (development only)',
    );
  }
  const sandbox = await sandboxWanted(ctx);
  const demo = sandbox
    ? await ensureDemoAccounts({ ctx, input: { dataDir: config.dataDir, pinnedApiKey: config.demoApiKey } })
    : undefined;
  if (sandbox && servesApi) {
    supply = await startSandboxProviders({ ctx, input: { ...config.sim, port: simulatorPort(config) } });
  }

  if (config.role === 'all' || config.role === 'worker') {
    jobs = await startJobs(ctx);
    log.info('background jobs started');
  }

  let url: string | undefined;
  if (servesApi) {
    app = await buildApp(runtime.requestCtx, {
      version: VERSION,
      ...(demo
        ? {
            sandbox: {
              customer: { email: demo.credentials.email, password: demo.credentials.password },
              adminEmail: demo.credentials.admin_email,
              demoFile: demoFilePath(config.dataDir),
            },
          }
        : {}),
    });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    log.info({ url, role: config.role, version: VERSION }, 'numpool listening');
    if (supply) await connectSandboxPush({ ctx, input: { supply, apiUrl: url } });
    if (sandbox)
      gateways = await startSandboxGateways({
        ctx,
        input: { stateFile: sandboxGatewaysFile(config.dataDir) },
      });
  }
  if (demo) printSandboxBanner(config, url, demo.credentials, supply, gateways);
}
