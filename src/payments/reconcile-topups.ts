import type { Clock } from '../platform/clock.ts';
import type { DbContext } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import { applyPaymentStatus } from './apply-payment-status.ts';
import { type GatewayCode, GatewayError } from './gateway-port.ts';
import { gatewayFor } from './gateway-registry.ts';
import { loadGatewayConfig } from './load-gateway-config.ts';
import { TOPUP_COLUMNS, type TopupRecord } from './topup.ts';

/** Pending top-ups are asked about until this long after creation: their lifetime and a long grace. */
const PENDING_WINDOW_HOURS = 48;
/** Credited ones are asked about for a day, to catch a gateway that no longer calls them paid. */
const CREDITED_WINDOW_HOURS = 24;
const BATCH = 200;

export interface ReconcileSummary {
  checked: number;
  credited: number;
  mismatches: string[];
  unreachable: GatewayCode[];
}

/**
 * The safety net for lost notifications: every recent pending top-up is re-checked with its gateway
 * through the same path a notification takes, so a dropped notification delays a credit but never loses
 * it; recently credited ones are re-checked too, and a gateway that disagrees is reported to operators.
 * A gateway that cannot be reached is skipped until the next run.
 */
export async function reconcileTopups({
  ctx,
}: {
  ctx: DbContext & { secret: string; log: Logger; clock: Clock };
}): Promise<ReconcileSummary> {
  const summary: ReconcileSummary = { checked: 0, credited: 0, mismatches: [], unreachable: [] };
  const due = await ctx.db.query<TopupRecord>(
    `SELECT ${TOPUP_COLUMNS} FROM topups t
     WHERE t.gateway_payment_id IS NOT NULL
       AND ((t.status = 'pending' AND t.created_at > $1::timestamptz - make_interval(hours => $2))
         OR (t.status = 'credited' AND t.credited_at > $1::timestamptz - make_interval(hours => $3)))
     ORDER BY t.id LIMIT $4`,
    [ctx.clock.now(), PENDING_WINDOW_HOURS, CREDITED_WINDOW_HOURS, BATCH],
  );
  const gateways = new Map<GatewayCode, ReturnType<typeof gatewayFor> | null>();
  for (const topup of due.rows) {
    if (!gateways.has(topup.gateway)) {
      const config = await loadGatewayConfig({ ctx, input: { code: topup.gateway } }).catch(() => undefined);
      gateways.set(topup.gateway, config?.enabled ? gatewayFor(config) : null);
    }
    const gateway = gateways.get(topup.gateway);
    if (!gateway || summary.unreachable.includes(topup.gateway)) continue;
    try {
      const status = await gateway.fetchStatus({
        gatewayPaymentId: topup.gatewayPaymentId!,
        topupId: topup.publicId,
      });
      summary.checked++;
      const outcome = await applyPaymentStatus({ ctx, input: { topup, status } });
      if (outcome === 'credited') summary.credited++;
      if (outcome === 'mismatch') summary.mismatches.push(topup.publicId);
    } catch (error) {
      if (error instanceof GatewayError && error.retryable) summary.unreachable.push(topup.gateway);
      else ctx.log.warn({ err: error, topup: topup.publicId }, 'top-up reconciliation failed');
    }
  }
  if (summary.credited > 0 || summary.mismatches.length > 0)
    ctx.log.warn(summary, 'top-up reconciliation acted');
  return summary;
}
