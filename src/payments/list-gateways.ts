import type { DbContext } from '../platform/db.ts';
import type { GatewayView } from './configure-gateway.ts';
import { GATEWAY_COLUMNS, type GatewaySettings } from './gateway-settings.ts';

/** Configured gateways, without their credentials; `enabledOnly` for what customers may choose. */
export async function listGateways({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { enabledOnly: boolean };
}): Promise<GatewayView[]> {
  const rows = await ctx.db.query<GatewaySettings>(
    `SELECT ${GATEWAY_COLUMNS} FROM payment_gateways WHERE enabled OR NOT $1 ORDER BY code`,
    [input.enabledOnly],
  );
  return rows.rows.map(({ credentialsSealed: _sealed, ...view }) => view);
}
