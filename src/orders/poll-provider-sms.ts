/**
 * SMS by polling, for providers that do not push: one batched "what is open" call per provider with open
 * orders (getActiveActivations / 5SIM's order list), feeding every reported SMS to ingestSms, which
 * deduplicates. A provider without a batched call is asked per order.
 */
import type { AppContext } from '../platform/context.ts';
import { getProvider } from '../providers/list-providers.ts';
import { type ActivationStatus, ProviderError } from '../providers/port.ts';
import { ingestSms } from './ingest-sms.ts';

const PER_ORDER_FALLBACK_LIMIT = 50;

export async function pollProviderSms({
  ctx,
}: {
  ctx: AppContext;
}): Promise<{ accepted: number; failed: number }> {
  const open = await ctx.db.query<{ provider_id: number; refs: string[] }>(
    `SELECT provider_id, array_agg(provider_ref) AS refs FROM orders
     WHERE status IN ('ACTIVE', 'OTP_RECEIVED') GROUP BY provider_id`,
  );
  let accepted = 0;
  let failed = 0;
  for (const { provider_id: providerId, refs } of open.rows) {
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
      for (const status of statuses) {
        if (!wanted.has(status.ref)) continue;
        for (const sms of status.messages) {
          const result = await ingestSms({
            ctx,
            input: {
              providerId,
              providerRef: status.ref,
              text: sms.text,
              code: sms.code,
              receivedAt: sms.receivedAt,
            },
          });
          if (result === 'accepted') accepted++;
        }
      }
    } catch (error) {
      failed++;
      ctx.log.info({ providerId, err: (error as Error).message }, 'SMS poll failed for a provider');
    }
  }
  return { accepted, failed };
}
