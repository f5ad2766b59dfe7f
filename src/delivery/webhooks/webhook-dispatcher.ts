/**
 * The fast path of webhook delivery, run by every worker process: LISTEN on the wake-up channel (one
 * dedicated connection), and on each wake-up claim the delivery and POST it at once, at most `concurrency`
 * at a time (keep-alive connections through the SSRF-guarded client). Dispatch starts when the order's
 * transaction commits, instead of at the job queue's next fetch (the job was woken by NOTIFY too, but
 * then fetched, sent and completed in batches of 25 that finished together). Measured with separate api,
 * worker and simulator processes on 2 shared cores, 20 SMS/s: SMS → webhook p50 51 → 41 ms and 76 → 55 ms
 * in two before/after pairs; the tails there, and everything under a 1,000-SMS burst, were set by the
 * ingestion side and the machine's load, not by dispatch.
 *
 * Nothing here is needed for correctness: the queued job sends whatever the fast path did not (no
 * listener, a lost connection, a worker killed mid-send — its claim expires). Several workers hear every
 * wake-up; the claim lets exactly one of them send.
 *
 * SIGTERM: stop() stops listening and waits for the sends in flight (bounded). SIGKILL: see above.
 */
import pg from 'pg';
import type { DeliveryContext } from '../delivery-context.ts';
import { deliverWebhook } from './deliver-webhook.ts';
import { SAFETY_NET_DELAY_SECONDS, WEBHOOK_QUEUE } from './webhook-queue.ts';
import { parseWakeupPayload, WEBHOOK_WAKEUP_CHANNEL, type WokenDelivery } from './webhook-wakeup.ts';

export interface WebhookDispatcher {
  /** Resolves once the listener is connected (or has failed once: the jobs still deliver). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

const RECONNECT_MS = 1_000;
const STOP_WAIT_MS = 10_000;

export function startWebhookDispatcher(
  ctx: DeliveryContext,
  options: { concurrency?: number } = {},
): WebhookDispatcher {
  const concurrency = options.concurrency ?? 64;
  const waiting: WokenDelivery[] = [];
  const known = new Set<number>();
  let active = 0;
  let stopped = false;
  let client: pg.Client | undefined;
  let idle: (() => void) | undefined;

  const pump = () => {
    while (!stopped && active < concurrency && waiting.length > 0) {
      const next = waiting.shift()!;
      active++;
      deliverWebhook({ ctx, input: next })
        .catch((error: unknown) => {
          // The claim (if taken) expires and the safety-net job sends it; nothing else to do here.
          ctx.log.warn({ err: error, deliveryId: next.deliveryId }, 'fast webhook delivery failed');
        })
        .finally(() => {
          active--;
          known.delete(next.deliveryId);
          if (active === 0 && waiting.length === 0) idle?.();
          pump();
        });
    }
  };

  const onNotification = (message: pg.Notification) => {
    if (message.channel !== WEBHOOK_WAKEUP_CHANNEL) return;
    const { deliveries, rejected } = parseWakeupPayload(message.payload);
    if (rejected > 0)
      ctx.log.warn({ payload: message.payload?.slice(0, 200) }, 'bad webhook wake-up ignored');
    for (const delivery of deliveries) {
      if (known.has(delivery.deliveryId)) continue;
      known.add(delivery.deliveryId);
      waiting.push(delivery);
    }
    pump();
  };

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const next = new pg.Client({ ...ctx.pool.options, application_name: 'numpool-webhook-dispatcher' });
    const retry = (error: unknown) => {
      if (client !== next) return;
      client = undefined;
      next.removeAllListeners('notification');
      void next.end().catch(() => undefined);
      if (stopped) return;
      ctx.log.warn({ err: error }, 'webhook wake-up listener lost; reconnecting');
      setTimeout(() => void connect().catch(() => undefined), RECONNECT_MS).unref();
    };
    client = next;
    next.on('error', retry);
    next.on('end', () => retry(new Error('connection ended')));
    next.on('notification', onNotification);
    try {
      await next.connect();
      await next.query(`LISTEN ${WEBHOOK_WAKEUP_CHANNEL}`);
    } catch (error) {
      retry(error);
      throw error;
    }
  };

  const ready = connect().catch((error: unknown) => {
    ctx.log.warn(
      { err: error, safetyNetSeconds: SAFETY_NET_DELAY_SECONDS, queue: WEBHOOK_QUEUE },
      'webhook wake-up listener unavailable; deliveries wait for their jobs',
    );
  });

  return {
    ready,
    stop: async () => {
      stopped = true;
      waiting.length = 0;
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
      if (active > 0) {
        await new Promise<void>((resolve) => {
          idle = resolve;
          setTimeout(resolve, STOP_WAIT_MS).unref();
        });
      }
    },
  };
}
