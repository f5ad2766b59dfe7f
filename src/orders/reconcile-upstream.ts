/**
 * Upstream activations that no order owns — a crash between the provider handing out a number and the
 * order recording it — are cancelled at the provider, so we do not pay for numbers nobody uses (one an
 * SMS already reached is finished, the only way left to close it). An
 * activation must stay unowned for a while first (NUMPOOL_ORPHAN_GRACE_SECONDS, 120 s): the order that owns
 * it may be committing right now.
 */
import { listProviders } from '../providers/list-providers.ts';
import type { OrdersContext } from './orders-context.ts';

export async function reconcileUpstream({ ctx }: { ctx: OrdersContext }): Promise<{ canceled: number }> {
  let canceled = 0;
  const now = ctx.clock.now();
  for (const provider of await listProviders({ ctx, input: { enabledOnly: true } })) {
    try {
      const adapter = await ctx.upstreams.adapterFor(ctx, provider);
      const active = await adapter.listActive();
      const open = active.map((s) => s.ref);
      const received = new Set(
        active.filter((s) => s.state === 'RECEIVED' || s.state === 'WAITING_RETRY').map((s) => s.ref),
      );
      const owned = await ctx.db.query<{ provider_ref: string }>(
        // Owned: an open order holds it, or a closed one still owes the provider its finish or cancel.
        // A reference only closed orders carried, and none owes, was re-issued by the provider.
        `SELECT provider_ref FROM orders WHERE provider_id = $1 AND provider_ref = ANY($2)
           AND (status IN ('ACTIVE', 'OTP_RECEIVED') OR provider_action IS NOT NULL)`,
        [provider.id, open],
      );
      const ownedRefs = new Set(owned.rows.map((r) => r.provider_ref));
      const unowned = open.filter((ref) => !ownedRefs.has(ref));
      await ctx.db.query(
        `DELETE FROM upstream_orphans WHERE provider_id = $1 AND NOT (provider_ref = ANY($2))`,
        [provider.id, unowned],
      );
      await ctx.db.query(
        `INSERT INTO upstream_orphans (provider_id, provider_ref, first_seen_at)
         SELECT $1, ref, $3 FROM unnest($2::text[]) AS ref ON CONFLICT DO NOTHING`,
        [provider.id, unowned, now],
      );
      const due = await ctx.db.query<{ provider_ref: string }>(
        `SELECT provider_ref FROM upstream_orphans
         WHERE provider_id = $1 AND first_seen_at <= $2::timestamptz - make_interval(secs => $3)`,
        [provider.id, now, ctx.config.orders.orphanGraceSeconds],
      );
      for (const { provider_ref: ref } of due.rows) {
        // One that already received an SMS can no longer be cancelled (the provider refuses): it is
        // finished instead, or it would stay open at the provider for good.
        await (received.has(ref) ? adapter.finish(ref) : adapter.cancel(ref)).catch((error: unknown) =>
          ctx.log.info(
            { provider: provider.code, ref, err: (error as Error).message },
            'orphan cancel failed',
          ),
        );
        await ctx.db.query('DELETE FROM upstream_orphans WHERE provider_id = $1 AND provider_ref = $2', [
          provider.id,
          ref,
        ]);
        canceled++;
      }
    } catch (error) {
      ctx.log.info(
        { provider: provider.code, err: (error as Error).message },
        'upstream reconcile skipped a provider',
      );
    }
  }
  if (canceled > 0) ctx.log.warn({ canceled }, 'cancelled upstream activations that no order owned');
  return { canceled };
}
