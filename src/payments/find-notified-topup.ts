import type { DbContext } from '../platform/db.ts';
import type { GatewayCode, NotificationEvent } from './gateway-port.ts';
import { TOPUP_COLUMNS, type TopupRecord, topupIdOf } from './topup.ts';

/**
 * The top-up a notification names — of this gateway only: by the gateway's payment id when it carries
 * one; else by the charge it names (refunds and disputes: stored when the top-up was credited), falling
 * back to numpool's own top-up id. Unknown → undefined.
 */
export async function findNotifiedTopup({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: {
    gateway: GatewayCode;
    gatewayPaymentId: string | null;
    chargeRef?: string | null | undefined;
    topupId: string | null;
  };
}): Promise<TopupRecord | undefined> {
  const id = input.topupId === null ? null : topupIdOf(input.topupId);
  const chargeRef = input.chargeRef ?? null;
  if (input.gatewayPaymentId === null && chargeRef === null && id === null) return undefined;
  const found = await ctx.db.query<TopupRecord>(
    `SELECT ${TOPUP_COLUMNS} FROM topups t
     WHERE t.gateway = $1 AND CASE WHEN $2::text IS NOT NULL THEN t.gateway_payment_id = $2
       ELSE t.gateway_charge_ref = $3 OR t.id = $4 END
     ORDER BY t.gateway_charge_ref = $3 DESC NULLS LAST
     LIMIT 1`,
    [input.gateway, input.gatewayPaymentId, chargeRef, id],
  );
  return found.rows[0];
}

/** The top-up a verified event is about: payments by their ids, refunds and disputes also by their charge. */
export function findTopupOfEvent({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { gateway: GatewayCode; event: Exclude<NotificationEvent, { kind: 'ignored' }> };
}): Promise<TopupRecord | undefined> {
  const { event } = input;
  return findNotifiedTopup({
    ctx,
    input: {
      gateway: input.gateway,
      gatewayPaymentId: event.gatewayPaymentId,
      chargeRef: event.kind === 'payment' ? null : event.chargeRef,
      topupId: event.topupId,
    },
  });
}
