/**
 * Queues whose workers wake on NOTIFY: made so on a new database, and turned so on one whose queue was
 * made before — a payment notification is then acted on at once, not at the next poll.
 */
import { describe, expect, it } from 'vitest';
import { PAYMENT_EVENT_QUEUE } from '../../src/payments/payment-event-queue.ts';
import { startJobQueue } from '../../src/platform/job-queue.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { cleanupAfterFile, createTestContext } from '../support/test-database.ts';

const ctx = await createTestContext();
const log = createLogger('silent');

describe('the job queue', () => {
  it('wakes payment-event workers on NOTIFY', async () => {
    expect((await ctx.queue.boss.getQueue(PAYMENT_EVENT_QUEUE))?.notify).toBe(true);
  });

  it('turns NOTIFY on for a queue made without it', async () => {
    await ctx.queue.boss.createQueue('made-before', { notify: false });
    const queue = await startJobQueue({
      url: ctx.url,
      log,
      supervise: false,
      queues: [{ name: 'made-before', notify: true }],
    });
    cleanupAfterFile(() => queue.stop());
    expect((await queue.boss.getQueue('made-before'))?.notify).toBe(true);
  });
});
