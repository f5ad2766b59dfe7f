/**
 * Provisioning one order, with failover across routed candidates (ARCHITECTURE.md §4):
 *
 * 1. Tx 1: the order row (PROVISIONING) and a hold at the first candidate's price.
 * 2. Per candidate: re-price the hold if the price differs (void + new hold, one transaction), check the
 *    offer live, then ask the provider for a number at no more than the cost we priced at.
 *    NO_NUMBERS, errors and open circuits move on to the next candidate, inside the same order.
 * 3. Tx 2: ACTIVE with phone, provider reference and timers — only if still PROVISIONING.
 * 4. Every candidate failed: the hold is voided and the order is FAILED (never shown to the customer).
 *
 * Crash semantics: a crash after Tx 1 leaves a PROVISIONING order with a hold; the reconciler voids it.
 * A crash after the provider answered but before Tx 2 leaves an activation upstream that no order owns;
 * the upstream sweep cancels it. The customer is charged at most once, and never above the bounds.
 */
import { placeHold } from '../ledger/place-hold.ts';
import { voidHold } from '../ledger/resolve-hold.ts';
import { pgConstraint, withTransaction } from '../platform/db.ts';
import { type DomainErrorCode, isDomainError } from '../platform/errors.ts';
import { checkLiveStock } from '../providers/check-live-stock.ts';
import type { Candidate } from '../providers/find-candidates.ts';
import { getProvider } from '../providers/list-providers.ts';
import { ProviderError, type ProviderErrorKind } from '../providers/port.ts';
import type { OrderRecord } from './order.ts';
import { canMove, lockOrder, transitionOrder } from './order-lifecycle.ts';
import type { OrdersContext } from './orders-context.ts';

export type ProvisionOutcome =
  | { ok: true; order: OrderRecord }
  | { ok: false; code: DomainErrorCode; message: string };

/** How many candidates one order tries before giving up. */
export const MAX_ATTEMPTS = 5;

const REASON: Partial<Record<ProviderErrorKind, string>> = {
  NO_NUMBERS: 'NoNumbers',
  NO_BALANCE: 'ProviderNoBalance',
  TIMEOUT: 'ProviderTimeout',
  UNAVAILABLE: 'ProviderUnavailable',
};

async function startOrder(
  ctx: OrdersContext,
  input: { accountId: number; keyId: number | null; first: Candidate },
): Promise<number> {
  return withTransaction(ctx, async (tx) => {
    const inserted = await tx.db.query<{ id: number }>(
      `INSERT INTO orders (account_id, idempotency_key_id, catalog_product_id, product_id, amount, created_at)
       SELECT $1, $2, p.catalog_product_id, p.id, $4, $5 FROM products p WHERE p.id = $3 RETURNING id`,
      [input.accountId, input.keyId, input.first.productId, input.first.price, ctx.clock.now()],
    );
    const orderId = inserted.rows[0]!.id;
    const hold = await placeHold({
      ctx: tx,
      input: { accountId: input.accountId, amount: input.first.price, reference: `order:${orderId}` },
    });
    await tx.db.query('UPDATE orders SET hold_transfer_id = $2 WHERE id = $1', [orderId, hold.transferId]);
    return orderId;
  });
}

/** The reconciler released the order while it was being provisioned: nothing more may be bought for it. */
class ReleasedMeanwhile extends Error {}

/**
 * Moves the hold to a candidate's price: void the order's hold, place a new one, in one transaction, on
 * the order locked and still provisioning.
 */
async function repriceHold(
  ctx: OrdersContext,
  input: { accountId: number; orderId: number; price: number; attempt: number },
): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const order = await lockOrder({ ctx: tx, input: { orderId: input.orderId, includeHidden: true } });
    if (!canMove(order, 'activate')) throw new ReleasedMeanwhile();
    if (order.holdTransferId !== null) await voidHold({ ctx: tx, input: { holdId: order.holdTransferId } });
    const hold = await placeHold({
      ctx: tx,
      input: {
        accountId: input.accountId,
        amount: input.price,
        reference: `order:${input.orderId}:${input.attempt}`,
      },
    });
    await tx.db.query('UPDATE orders SET hold_transfer_id = $2, amount = $3 WHERE id = $1', [
      input.orderId,
      hold.transferId,
      input.price,
    ]);
  });
}

/** Tx 2: the order becomes ACTIVE with its number; null when the reconciler released it meanwhile. */
async function activate(
  ctx: OrdersContext,
  input: { orderId: number; candidate: Candidate; ref: string; phone: string },
): Promise<OrderRecord | null> {
  return withTransaction(ctx, async (tx) => {
    const order = await lockOrder({ ctx: tx, input: { orderId: input.orderId, includeHidden: true } });
    if (!canMove(order, 'activate')) return null;
    try {
      return await transitionOrder({
        ctx: tx,
        input: {
          order,
          move: {
            kind: 'activate',
            providerId: input.candidate.providerId,
            providerRef: input.ref,
            phone: input.phone,
            productId: input.candidate.productId,
            operatorId: input.candidate.operatorId,
            costIdr: input.candidate.costIdr,
          },
        },
      });
    } catch (error) {
      // The provider handed out an activation id that an open order still holds: it has forgotten that
      // activation (providers recycle ids), and this answer cannot be trusted either.
      if (pgConstraint(error) === 'orders_open_provider_ref_key') {
        throw new ProviderError(
          'BAD_REQUEST',
          `the provider re-issued activation ${input.ref} of an open order`,
        );
      }
      throw error;
    }
  });
}

/** Every candidate failed (or the run broke): the hold is released and the order is FAILED, unseen. */
export async function failProvisioning({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { orderId: number; reason: string };
}): Promise<boolean> {
  return withTransaction(ctx, async (tx) => {
    const order = await lockOrder({ ctx: tx, input: { orderId: input.orderId, includeHidden: true } });
    if (!canMove(order, 'fail')) return false; // the reconciler (or another run) got there first
    await transitionOrder({ ctx: tx, input: { order, move: { kind: 'fail', reason: input.reason } } });
    return true;
  });
}

/** Tries the candidates in order until one provider hands out a number. */
export async function provisionOrder({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: {
    accountId: number;
    keyId: number | null;
    candidates: Candidate[];
    /** Phone prefixes (digits with country code) the number must not start with. */
    excludePrefixes?: string[] | undefined;
  };
}): Promise<ProvisionOutcome> {
  if (input.candidates.length === 0) {
    return { ok: false, code: 'NO_OFFER_AVAILABLE', message: 'no offer matches this request' };
  }
  // The first hold goes to the first candidate the wallet can cover (policies need not order by price).
  let orderId: number | undefined;
  let from = 0;
  for (; from < input.candidates.length && orderId === undefined; from++) {
    try {
      orderId = await startOrder(ctx, {
        accountId: input.accountId,
        keyId: input.keyId,
        first: input.candidates[from]!,
      });
    } catch (error) {
      if (isDomainError(error) && error.code === 'INSUFFICIENT_BALANCE') continue;
      if (isDomainError(error)) return { ok: false, code: error.code, message: error.message };
      throw error;
    }
  }
  if (orderId === undefined)
    return { ok: false, code: 'INSUFFICIENT_BALANCE', message: 'balance is too low for this order' };
  const candidates = input.candidates.slice(from - 1, from - 1 + MAX_ATTEMPTS);
  const first = candidates[0]!;
  let price = first.price;
  const kinds: ProviderErrorKind[] = [];
  let stoppedByBalance = false;
  let lastMessage = 'no provider could supply a number';

  for (const [attempt, candidate] of candidates.entries()) {
    const log = ctx.log.child({ orderId, provider: candidate.providerCode, attempt });
    try {
      if (candidate.price !== price) {
        await repriceHold(ctx, { accountId: input.accountId, orderId, price: candidate.price, attempt });
        price = candidate.price;
      }
      const provider = await getProvider({ ctx, input: { ref: candidate.providerId } });
      const live = await checkLiveStock({ ctx, input: { productId: candidate.productId, provider } });
      if (live.available <= 0) throw new ProviderError('NO_NUMBERS', 'sold out at the provider');
      if (live.price > price) throw new ProviderError('BAD_REQUEST', 'the offer became more expensive');

      const adapter = await ctx.upstreams.adapterFor(ctx, provider);
      const number = await adapter.acquireNumber({
        countryId: candidate.countryId,
        platformId: candidate.platformId,
        operator: candidate.operatorCode,
        maxCost: candidate.cost,
        excludePrefixes: input.excludePrefixes,
      });
      let active: OrderRecord | null;
      try {
        active = await activate(ctx, { orderId, candidate, ref: number.ref, phone: number.phone });
      } catch (error) {
        // Whatever failed after the provider handed out a number, the number goes back (if this cancel
        // fails too, the upstream sweep cancels it: no open order owns it).
        await adapter.cancel(number.ref).catch(() => undefined);
        throw error;
      }
      if (active) return { ok: true, order: active };
      // The reconciler gave up on this order while the provider was answering: give the number back.
      log.warn('order was reconciled during provisioning; releasing the number');
      await adapter.cancel(number.ref).catch(() => undefined);
      return { ok: false, code: 'PROVIDER_ERROR', message: 'the provider answered too late' };
    } catch (error) {
      if (error instanceof ReleasedMeanwhile) {
        log.warn('order was reconciled during provisioning; stopping');
        return { ok: false, code: 'PROVIDER_ERROR', message: 'the order was released while provisioning' };
      }
      if (isDomainError(error) && error.code === 'INSUFFICIENT_BALANCE') {
        // This candidate is unaffordable; another may not be.
        stoppedByBalance = true;
        lastMessage = error.message;
        continue;
      }
      if (error instanceof ProviderError || isDomainError(error)) {
        const kind = error instanceof ProviderError ? error.kind : 'BAD_REQUEST';
        kinds.push(kind);
        lastMessage = error.message;
        log.info({ kind, err: error.message }, 'candidate failed; trying the next');
        continue;
      }
      // Unexpected (database gone, a bug): release the money now if we can, then let it surface.
      await failProvisioning({ ctx, input: { orderId, reason: 'InternalError' } }).catch(() => undefined);
      throw error;
    }
  }

  const onlyEmpty = kinds.length > 0 && kinds.every((k) => k === 'NO_NUMBERS');
  await failProvisioning({
    ctx,
    input: { orderId, reason: REASON[kinds.at(-1) ?? 'NO_NUMBERS'] ?? 'ProviderError' },
  });
  if (stoppedByBalance && kinds.length === 0)
    return { ok: false, code: 'INSUFFICIENT_BALANCE', message: lastMessage };
  return onlyEmpty
    ? { ok: false, code: 'NO_OFFER_AVAILABLE', message: 'no numbers available for this request' }
    : { ok: false, code: 'PROVIDER_ERROR', message: `no provider could supply a number: ${lastMessage}` };
}
