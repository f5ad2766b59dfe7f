/**
 * Run as a separate process by crash-safety.test.ts: creates one order and is killed (SIGKILL) by the
 * test while the provider call hangs, leaving whatever a real crash would leave.
 */
import { loadConfig } from '../../src/config.ts';
import { QUEUES } from '../../src/jobs/queues.ts';
import { createOrders } from '../../src/orders/create-orders.ts';
import { createInProcessBus } from '../../src/platform/bus.ts';
import { createPool } from '../../src/platform/db.ts';
import { startJobQueue } from '../../src/platform/job-queue.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createContext } from '../../src/runtime/create-context.ts';

const [url, accountId, catalogProductId] = process.argv.slice(2);
const config = loadConfig({
  DATABASE_URL: url,
  NUMPOOL_SECRET: process.env.CRASH_SECRET,
  LOG_LEVEL: 'silent',
});
const log = createLogger('silent');
const queue = await startJobQueue({ url: url!, log, supervise: false, queues: QUEUES });
const ctx = createContext({
  pool: createPool(url!),
  config,
  log,
  secret: config.secret!,
  queue,
  bus: createInProcessBus(),
});
process.stdout.write('started\n');
await createOrders({
  ctx,
  input: {
    accountId: Number(accountId),
    catalogProductId: Number(catalogProductId),
    fingerprint: { crash: true },
  },
});
process.stdout.write('finished\n');
process.exit(0);
