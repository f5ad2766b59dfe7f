/**
 * The top-up record, written before the gateway is called (specs/payments.md §4.1): the amount checked
 * against what the gateway accepts, and the IDR rate of its currency snapshotted, so whatever the gateway
 * later reports converts at the rate the customer was shown, and when it expires. The gateway's fee percent
 * and the bonus tiers are snapshotted with it, for the same reason: what the customer was shown is what
 * applies. The gateway call happens afterwards, outside any transaction; markTopupPending stores what it
 * answered.
 */
import { type DbContext, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { toIdr } from '../platform/money.ts';
import type { ProviderCurrency } from '../pricing/currency.ts';
import { getFxRate } from '../pricing/fx-rates.ts';
import type { GatewayCode } from './gateway-port.ts';
import { assertGatewayCode, readGatewaySettings } from './gateway-settings.ts';
import { parseAmount, TOPUP_COLUMNS, type TopupRecord } from './topup.ts';
import { readBonusTiers } from './topup-bonus-tiers.ts';

/** How long a customer has to pay before a top-up expires at the gateway. */
export const TOPUP_LIFETIME_SECONDS = 3_600;

export interface CreateTopupRecordInput {
  accountId: number;
  gateway: GatewayCode;
  /** Decimal string in `currency`, major units (USD "12.50", IDR "150000"). */
  amount: string;
  currency: string;
  /** Duitku payment method code; must be one the gateway is configured with, when it lists any. */
  method?: string | undefined;
}

export async function createTopupRecord({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: CreateTopupRecordInput;
}): Promise<TopupRecord> {
  const gateway = assertGatewayCode(input.gateway);
  const amount = parseAmount(input.amount);
  const currency = input.currency.toUpperCase();
  return withTransaction(ctx, async (tx) => {
    const settings = await readGatewaySettings(tx.db, gateway);
    if (!settings.enabled) throw new DomainError('SERVICE_UNAVAILABLE', `top-ups through ${gateway} are off`);
    if (!settings.currencies.includes(currency)) {
      throw new DomainError('VALIDATION_ERROR', `${gateway} takes ${settings.currencies.join(', ')}`, {
        currencies: settings.currencies,
      });
    }
    if (currency === 'IDR' && !amount.round(0).eq(amount)) {
      throw new DomainError('VALIDATION_ERROR', 'an IDR amount is a whole number');
    }
    if (amount.lte(0)) throw new DomainError('VALIDATION_ERROR', 'amount must be positive');
    if (
      (settings.minAmount && amount.lt(settings.minAmount)) ||
      (settings.maxAmount && amount.gt(settings.maxAmount))
    ) {
      throw new DomainError(
        'VALIDATION_ERROR',
        `amount must be from ${settings.minAmount ?? 'any'} to ${settings.maxAmount ?? 'any'} ${currency}`,
        { min_amount: settings.minAmount, max_amount: settings.maxAmount, currency },
      );
    }
    // A gateway configured with methods (Duitku) needs the customer to pick one.
    if (settings.methods.length > 0 && input.method === undefined) {
      throw new DomainError('VALIDATION_ERROR', `choose a ${gateway} payment method`, {
        methods: settings.methods,
      });
    }
    if (
      input.method !== undefined &&
      settings.methods.length > 0 &&
      !settings.methods.includes(input.method)
    ) {
      throw new DomainError('VALIDATION_ERROR', `${gateway} has no payment method ${input.method}`, {
        methods: settings.methods,
      });
    }
    const rate =
      currency === 'IDR'
        ? '1'
        : (
            await getFxRate({ ctx: tx, input: { currency: currency as ProviderCurrency } }).catch(() => {
              throw new DomainError('FX_RATE_UNAVAILABLE', `no exchange rate for ${currency}`);
            })
          ).idrPerUnit;
    const expectedIdr = toIdr(amount.toFixed(2), rate);
    if (expectedIdr <= 0) throw new DomainError('VALIDATION_ERROR', 'amount is worth less than 1 IDR');
    const tiers = await readBonusTiers(tx.db);
    // The expiry is decided here, once (created_at + lifetime: now() is the transaction's time), and every
    // create call for this top-up sends it as it is.
    const row = await tx.db.query<TopupRecord>(
      `WITH t AS (
         INSERT INTO topups (account_id, gateway, requested_amount, requested_currency, method, fx_idr_per_unit,
           expected_idr, expires_at, fee_percent, bonus_tiers)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8), $9, $10) RETURNING *)
       SELECT ${TOPUP_COLUMNS} FROM t`,
      [
        input.accountId,
        gateway,
        amount.toFixed(2),
        currency,
        input.method ?? null,
        rate,
        expectedIdr,
        TOPUP_LIFETIME_SECONDS,
        settings.feePercent,
        JSON.stringify(tiers.map((t) => ({ min_idr: t.minIdr, percent: t.percent }))),
      ],
    );
    return row.rows[0]!;
  });
}
