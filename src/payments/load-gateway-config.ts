/** What an adapter is built with: the gateway's configuration, credentials opened from their sealed form. */
import type { DbContext } from '../platform/db.ts';
import { open } from '../platform/secret-box.ts';
import type { GatewayCode, GatewayConfig } from './gateway-port.ts';
import { assertGatewayCode, readGatewaySettings } from './gateway-settings.ts';

export async function loadGatewayConfig({
  ctx,
  input,
}: {
  ctx: DbContext & { secret: string };
  input: { code: GatewayCode };
}): Promise<GatewayConfig & { enabled: boolean }> {
  const settings = await readGatewaySettings(ctx.db, assertGatewayCode(input.code));
  // A NUMPOOL_SECRET that changed makes this throw: the credentials must be configured again.
  const credentials = JSON.parse(open(ctx.secret, settings.credentialsSealed)) as Record<string, string>;
  return {
    code: settings.code,
    baseUrl: settings.baseUrl,
    credentials,
    timeoutMs: settings.timeoutMs,
    enabled: settings.enabled,
  };
}
