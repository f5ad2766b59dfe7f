/**
 * `numpool start`: boots the roles this process plays (api, worker or both) and shuts down gracefully.
 *
 * SIGINT/SIGTERM: stop accepting connections, let in-flight requests finish (up to 10 s), close the pool,
 * then stop the embedded PostgreSQL if this process started it. A second signal exits at once.
 */
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.ts';
import type { Config } from '../config.ts';
import type { AppContext } from '../platform/context.ts';
import { createLogger } from '../platform/logger.ts';
import { countEnabledProviders } from '../providers/count-enabled-providers.ts';
import { type DemoCredentials, demoFilePath, ensureDemoAccounts } from '../sandbox/ensure-demo-accounts.ts';
import { openRuntime } from './open-runtime.ts';
import { VERSION } from './version.ts';

async function sandboxWanted(ctx: AppContext): Promise<boolean> {
  if (ctx.config.demo === 'on') return true;
  if (ctx.config.demo === 'off') return false;
  return (await countEnabledProviders({ ctx })) === 0;
}

function printSandboxBanner(config: Config, url: string | undefined, demo: DemoCredentials): void {
  const lines = [
    '',
    'numpool sandbox is running',
    ...(url ? [`  API:       ${url}   (docs: ${url}/docs)`] : []),
    `  customer:  ${demo.email} / ${demo.password}`,
    `  API key:   ${demo.api_key}`,
    `  admin:     ${demo.admin_email} / ${demo.admin_password}`,
    `  saved in:  ${demoFilePath(config.dataDir)}`,
    ...(url
      ? [`  try:       curl -H "Authorization: Bearer ${demo.api_key}" ${url}/v1/catalog/countries`]
      : []),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function start(config: Config): Promise<void> {
  const log = createLogger(config.logLevel);
  const runtime = await openRuntime(config, log);
  const { ctx } = runtime;
  let app: FastifyInstance | undefined;

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error');
    else log.info({ signal }, 'shutting down');
    await app?.close();
    await runtime.close();
  });

  const demo = (await sandboxWanted(ctx))
    ? await ensureDemoAccounts({ ctx, input: { dataDir: config.dataDir, pinnedApiKey: config.demoApiKey } })
    : undefined;

  let url: string | undefined;
  if (config.role === 'all' || config.role === 'api') {
    app = await buildApp(ctx, { version: VERSION });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    log.info({ url, role: config.role, version: VERSION }, 'numpool listening');
  }
  if (config.role === 'all' || config.role === 'worker') {
    log.info('background work runs in this process');
  }
  if (demo) printSandboxBanner(config, url, demo.credentials);
}
