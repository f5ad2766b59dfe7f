import type { DbContext } from '../platform/db.ts';
import type { GatewayCode } from './gateway-port.ts';
import { TOPUP_COLUMNS, type TopupRecord, topupIdOf } from './topup.ts';

/**
 * The top-up a notification names: by the gateway's payment id when it carries one, else by numpool's
 * own top-up id — of this gateway only. Unknown → undefined.
 */
export async function findNotifiedTopup({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { gateway: GatewayCode; gatewayPaymentId: string | null; topupId: string | null };
}): Promise<TopupRecord | undefined> {
  const id = input.topupId === null ? null : topupIdOf(input.topupId);
  if (input.gatewayPaymentId === null && id === null) return undefined;
  const found = await ctx.db.query<TopupRecord>(
    `SELECT ${TOPUP_COLUMNS} FROM topups t
     WHERE t.gateway = $1 AND (t.gateway_payment_id = $2 OR ($2::text IS NULL AND t.id = $3))`,
    [input.gateway, input.gatewayPaymentId, id],
  );
  return found.rows[0];
}
