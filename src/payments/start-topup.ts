import Big from 'big.js';
import { findAccount } from '../accounts/find-account.ts';
import type { Config } from '../config.ts';
import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { createTopupRecord } from './create-topup-record.ts';
import { gatewayFailure } from './gateway-failure.ts';
import type { GatewayCode } from './gateway-port.ts';
import { gatewayFor } from './gateway-registry.ts';
import { loadGatewayConfig } from './load-gateway-config.ts';
import { markTopupPending } from './mark-topup-pending.ts';
import type { TopupRecord } from './topup.ts';

/**
 * Starts a top-up: the record first (with the exchange rate of the moment), then the payment at the
 * gateway — no database connection is held during that call — then where the customer pays. A gateway
 * that is down or refuses leaves the record `created`; nothing is ever credited for it.
 */
export async function startTopup({
  ctx,
  input,
}: {
  ctx: DbContext & { config: Config; secret: string; log: Logger };
  input: {
    accountId: number;
    gateway: GatewayCode;
    amount: string;
    currency: string;
    method?: string | undefined;
  };
}): Promise<TopupRecord> {
  const config = await loadGatewayConfig({ ctx, input: { code: input.gateway } }).catch((error: unknown) => {
    throw error instanceof DomainError && error.code === 'NOT_FOUND'
      ? new DomainError('VALIDATION_ERROR', `${input.gateway} payments are not offered`)
      : error;
  });
  if (!config.enabled) throw new DomainError('VALIDATION_ERROR', `${input.gateway} payments are not offered`);
  let gateway: ReturnType<typeof gatewayFor>;
  try {
    gateway = gatewayFor(config);
  } catch (error) {
    ctx.log.error({ err: error, gateway: input.gateway }, 'payment gateway cannot be used as configured');
    throw new DomainError('VALIDATION_ERROR', `${input.gateway} payments are not offered`);
  }
  const account = await findAccount({ ctx, input: { ref: String(input.accountId) } });
  const record = await createTopupRecord({ ctx, input });
  const created = await gateway
    .createPayment({
      topupId: record.publicId,
      accountId: input.accountId,
      // The port's money: whole rupiah for IDR, two decimals otherwise.
      amount: new Big(record.requestedAmount).toFixed(record.requestedCurrency === 'IDR' ? 0 : 2),
      currency: record.requestedCurrency,
      method: record.method ?? undefined,
      customerEmail: account.email,
      callbackUrl: `${ctx.config.publicUrl}/hooks/payments/${input.gateway}`,
      returnUrl: `${ctx.config.publicUrl}/topups/${record.publicId}`,
      expiresAt: record.expiresAt!,
    })
    .catch((error: unknown) => {
      throw gatewayFailure(error, input.gateway);
    });
  return markTopupPending({ ctx, input: { topupId: record.id, ...created } });
}
