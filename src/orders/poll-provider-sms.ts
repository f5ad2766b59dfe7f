/**
 * SMS by polling, every two seconds for providers that do not push (every 30 s, as a safety net, for those
 * that pushed in the last five minutes): one batched "what is open" call per provider with open
 * orders (getActiveActivations / 5SIM's order list), feeding every reported SMS to ingestSms, which
 * deduplicates. A provider without a batched call is asked per order. A provider that keeps failing is
 * polled less and less often (exponential backoff, at most once a minute) until it answers again.
 */
import { getProvider } from '../providers/list-providers.ts';
import { type ActivationStatus, ProviderError } from '../providers/port.ts';
import { ingestSms, storedSmsIndexes } from './ingest-sms.ts';
import type { OrdersContext } from './orders-context.ts';

const PER_ORDER_FALLBACK_LIMIT = 50;
/** A provider that pushed within this long counts as pushing, and is polled every PUSH_SAFETY_POLL_MS. */
const PUSHING_WITHIN_MS = 5 * 60_000;
const PUSH_SAFETY_POLL_MS = 30_000;

export async function pollProviderSms({
  ctx,
}: {
  ctx: OrdersContext;
}): Promise<{ accepted: number; failed: number }> {
  const open = await ctx.db.query<{ provider_id: number; refs: string[]; pushes: boolean }>(
    `SELECT o.provider_id, array_agg(o.provider_ref) AS refs,
            coalesce(v.last_push_at > $1::timestamptz - make_interval(secs => $2), false) AS pushes
     FROM orders o JOIN providers v ON v.id = o.provider_id
     WHERE o.status IN ('ACTIVE', 'OTP_RECEIVED') GROUP BY o.provider_id, v.last_push_at`,
    [ctx.clock.now(), PUSHING_WITHIN_MS / 1000],
  );
  let accepted = 0;
  let failed = 0;
  const now = Date.now();
  for (const { provider_id: providerId, refs, pushes } of open.rows) {
    const backoff = ctx.upstreams.pollBackoff.get(providerId);
    if (backoff && backoff.nextAt > now) continue;
    // A provider that pushes is polled only as a safety net for a lost push: listing 1,000 open
    // activations every 2 s cost the simulator, the worker and a read each time, and raced every push
    // with an ingest of its own (a fifth of all ingest transactions at 200 SMS/s).
    if (pushes && now - (ctx.upstreams.lastPolledAt.get(providerId) ?? 0) < PUSH_SAFETY_POLL_MS) continue;
    ctx.upstreams.lastPolledAt.set(providerId, now);
    try {
      const provider = await getProvider({ ctx, input: { ref: providerId } });
      const adapter = await ctx.upstreams.adapterFor(ctx, provider);
      let statuses: ActivationStatus[];
      try {
        statuses = await adapter.listActive();
      } catch (error) {
        if (!(error instanceof ProviderError) || error.kind !== 'BAD_REQUEST') throw error;
        statuses = await Promise.all(
          refs.slice(0, PER_ORDER_FALLBACK_LIMIT).map((ref) => adapter.getStatus(ref)),
        );
      }
      const wanted = new Set(refs);
      const reported = statuses
        .filter((status) => wanted.has(status.ref))
        .flatMap((status) => status.messages.map((sms) => ({ providerRef: status.ref, ...sms })));
      const known = await storedSmsIndexes({ ctx, input: { providerId, messages: reported } });
      for (const [i, sms] of reported.entries()) {
        if (known.has(i)) continue;
        // One SMS that cannot be ingested must not hold up the provider's other orders.
        try {
          const result = await ingestSms({
            ctx,
            input: {
              providerId,
              providerRef: sms.providerRef,
              text: sms.text,
              code: sms.code,
              receivedAt: sms.receivedAt,
            },
          });
          if (result === 'accepted') accepted++;
        } catch (error) {
          ctx.log.warn(
            { providerId, ref: sms.providerRef, err: (error as Error).message },
            'an SMS could not be ingested',
          );
        }
      }
      ctx.upstreams.pollBackoff.delete(providerId);
    } catch (error) {
      failed++;
      // 2 s, 4 s, 8 s … up to a minute between polls of a provider that keeps failing.
      const failures = (backoff?.failures ?? 0) + 1;
      ctx.upstreams.pollBackoff.set(providerId, {
        failures,
        nextAt: now + Math.min(60_000, 1_000 * 2 ** failures),
      });
      ctx.log.info({ providerId, failures, err: (error as Error).message }, 'SMS poll failed for a provider');
    }
  }
  return { accepted, failed };
}
