/** A worker process for worker-crash.test.ts: runs numpool's jobs until it is killed. */
import { loadConfig } from '../../src/config.ts';
import { startJobs } from '../../src/jobs/job-runner.ts';
import { QUEUES } from '../../src/jobs/queues.ts';
import { createInProcessBus } from '../../src/platform/bus.ts';
import { createPool } from '../../src/platform/db.ts';
import { startJobQueue } from '../../src/platform/job-queue.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createContext } from '../../src/runtime/create-context.ts';

const url = process.argv[2]!;
const config = loadConfig({
  DATABASE_URL: url,
  NUMPOOL_SECRET: process.env.WORKER_SECRET,
  NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '1',
  LOG_LEVEL: 'silent',
});
const log = createLogger('silent');
const queue = await startJobQueue({ url, log, supervise: true, queues: QUEUES });
const ctx = createContext({
  pool: createPool(url),
  config,
  log,
  secret: config.secret!,
  queue,
  bus: createInProcessBus(),
});
await startJobs(ctx);
process.stdout.write('ready\n');
