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
 * Tx 1 and Tx 2 also carry the idempotency key's claim and finish when the caller passes them in (a
 * single-order create: see create-orders.ts), so the common create commits twice, not four times.
 *
 * Crash semantics: a crash after Tx 1 leaves a PROVISIONING order with a hold; the reconciler voids it.
 * A crash after the provider answered but before Tx 2 leaves an activation upstream that no order owns;
 * the upstream sweep cancels it. The customer is charged at most once, and never above the bounds.
 */
import {
  keySpentToday,
  lockKeySpending,
  spendDayStart,
  spendLimitRefusal,
  spentSinceSql,
} from '../accounts/key-spending.ts';
import { placeHold } from '../ledger/place-hold.ts';
import { voidHold } from '../ledger/resolve-hold.ts';
import { pgConstraint, withTransaction } from '../platform/db.ts';
import { type DomainError, type DomainErrorCode, isDomainError } from '../platform/errors.ts';
import { checkLiveStock } from '../providers/check-live-stock.ts';
import type { Candidate } from '../providers/find-candidates.ts';
import { ProviderError, type ProviderErrorKind } from '../providers/port.ts';
import type { OrderRecord } from './order.ts';
import { canMove, lockOrder, transitionOrder } from './order-lifecycle.ts';
import type { OrdersContext } from './orders-context.ts';

export type ProvisionOutcome =
  | { ok: true; order: OrderRecord }
  | { ok: false; code: DomainErrorCode; message: string; details?: Record<string, unknown> | undefined };

/**
 * The API key an order is created with. `limited`: the key had a daily spend limit when it was
 * authenticated, so each hold checks it (the limit itself is read from the locked key row).
 */
export interface SpendingKey {
  id: number;
  limited: boolean;
}

/**
 * Work the caller wants committed with the order's final state (the idempotency key's result): run inside
 * the transaction that activates the order or fails it.
 */
export type Settle = (tx: OrdersContext, outcome: ProvisionOutcome) => Promise<void>;

/** How many candidates one order tries before giving up. */
export const MAX_ATTEMPTS = 5;

const REASON: Partial<Record<ProviderErrorKind, string>> = {
  NO_NUMBERS: 'NoNumbers',
  NO_BALANCE: 'ProviderNoBalance',
  TIMEOUT: 'ProviderTimeout',
  UNAVAILABLE: 'ProviderUnavailable',
};

/**
 * Tx 1: the PROVISIONING order and its hold at the candidate's price. It joins the caller's transaction
 * when there is one (the key's claim); a wallet that cannot cover the price is INSUFFICIENT_BALANCE.
 */
export async function startOrder({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: {
    accountId: number;
    keyId: number | null;
    candidate: Candidate;
    apiKey?: SpendingKey | undefined;
  };
}): Promise<number> {
  const { candidate, apiKey } = input;
  return withTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    // The candidate carries the slot's catalog product, so the row is written from values alone.
    const values = [
      input.accountId,
      input.keyId,
      apiKey?.id ?? null,
      candidate.catalogProductId,
      candidate.productId,
      candidate.price,
      now,
    ];
    // A limited key: one more statement (the key's lock), and the insert happens only if the order fits.
    const limit = apiKey?.limited ? await lockKeySpending({ ctx: tx, input: { keyId: apiKey.id } }) : null;
    const inserted =
      limit === null
        ? await tx.db.query<{ id: number }>({
            name: 'orders.start',
            text: `INSERT INTO orders (account_id, idempotency_key_id, api_key_id, catalog_product_id, product_id, amount, created_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
            values,
          })
        : await tx.db.query<{ id: number }>({
            name: 'orders.start-within-limit',
            text: `INSERT INTO orders (account_id, idempotency_key_id, api_key_id, catalog_product_id, product_id, amount, created_at)
                   SELECT $1::bigint, $2::bigint, $3::bigint, $4::integer, $5::integer, $6::bigint, $7::timestamptz
                   WHERE ${spentSinceSql('$3::bigint', '$8::timestamptz')} + $6::bigint <= $9::bigint
                   RETURNING id`,
            values: [...values, spendDayStart(now), limit],
          });
    if (!inserted.rows[0]) {
      const spent = await keySpentToday({ ctx: tx, input: { keyId: apiKey!.id, now } });
      throw spendLimitRefusal({ limit: limit!, spent, now });
    }
    const orderId = inserted.rows[0].id;
    const hold = await placeHold({
      ctx: tx,
      input: { accountId: input.accountId, amount: candidate.price, reference: `order:${orderId}` },
    });
    await tx.db.query({
      name: 'orders.set-hold',
      text: 'UPDATE orders SET hold_transfer_id = $2 WHERE id = $1',
      values: [orderId, hold.transferId],
    });
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
  input: {
    accountId: number;
    orderId: number;
    price: number;
    attempt: number;
    apiKey?: SpendingKey | undefined;
  },
): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const order = await lockOrder({ ctx: tx, input: { orderId: input.orderId, includeHidden: true } });
    if (!canMove(order, 'activate')) throw new ReleasedMeanwhile();
    if (input.apiKey?.limited && input.price > order.amount) await assertFits(tx, input.apiKey.id, input);
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

/** A dearer candidate for an order already held: it must still fit under the key's limit. */
async function assertFits(tx: OrdersContext, keyId: number, input: { orderId: number; price: number }) {
  const limit = await lockKeySpending({ ctx: tx, input: { keyId } });
  if (limit === null) return;
  const now = tx.clock.now();
  const spent = await keySpentToday({ ctx: tx, input: { keyId, now, exceptOrderId: input.orderId } });
  if (spent + input.price > limit) throw spendLimitRefusal({ limit, spent, now });
}

/** Tx 2: the order becomes ACTIVE with its number; null when the reconciler released it meanwhile. */
async function activate(
  ctx: OrdersContext,
  input: { orderId: number; candidate: Candidate; ref: string; phone: string; settle?: Settle | undefined },
): Promise<OrderRecord | null> {
  return withTransaction(ctx, async (tx) => {
    const order = await lockOrder({ ctx: tx, input: { orderId: input.orderId, includeHidden: true } });
    if (!canMove(order, 'activate')) return null;
    let active: OrderRecord;
    try {
      active = await transitionOrder({
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
    await input.settle?.(tx, { ok: true, order: active });
    return active;
  });
}

/** Every candidate failed (or the run broke): the hold is released and the order is FAILED, unseen. */
export async function failProvisioning({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: {
    orderId: number;
    reason: string;
    settle?: { with: Settle; outcome: ProvisionOutcome } | undefined;
  };
}): Promise<boolean> {
  return withTransaction(ctx, async (tx) => {
    const order = await lockOrder({ ctx: tx, input: { orderId: input.orderId, includeHidden: true } });
    if (!canMove(order, 'fail')) return false; // the reconciler (or another run) got there first
    await transitionOrder({ ctx: tx, input: { order, move: { kind: 'fail', reason: input.reason } } });
    await input.settle?.with(tx, input.settle.outcome);
    return true;
  });
}

function refusalOf(error: DomainError): ProvisionOutcome {
  return { ok: false, code: error.code, message: error.message, details: error.details };
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
    /** The API key the order is created with, if any. */
    apiKey?: SpendingKey | undefined;
    /** Phone prefixes (digits with country code) the number must not start with. */
    excludePrefixes?: string[] | undefined;
    /** Tx 1 already ran (in the caller's transaction) for this order, on candidates[from]. */
    started?: { orderId: number; from: number } | undefined;
    /** Committed with the order's final state; `settled` in the answer says whether it was. */
    settle?: Settle | undefined;
  };
}): Promise<ProvisionOutcome & { settled: boolean }> {
  if (input.candidates.length === 0) {
    return {
      ok: false,
      code: 'NO_OFFER_AVAILABLE',
      message: 'no offer matches this request',
      settled: false,
    };
  }
  // The first hold goes to the first candidate the wallet can cover (policies need not order by price).
  let orderId = input.started?.orderId;
  let from = input.started ? input.started.from + 1 : 0;
  // A candidate beyond the key's daily limit is passed over like one beyond the wallet: a cheaper one may fit.
  let overLimit: DomainError | undefined;
  for (; from < input.candidates.length && orderId === undefined; from++) {
    try {
      orderId = await startOrder({
        ctx,
        input: {
          accountId: input.accountId,
          keyId: input.keyId,
          candidate: input.candidates[from]!,
          apiKey: input.apiKey,
        },
      });
    } catch (error) {
      if (isDomainError(error) && error.code === 'INSUFFICIENT_BALANCE') continue;
      if (isDomainError(error) && error.code === 'SPEND_LIMIT_EXCEEDED') {
        overLimit = error;
        continue;
      }
      if (isDomainError(error))
        return { ok: false, code: error.code, message: error.message, settled: false };
      throw error;
    }
  }
  if (orderId === undefined) {
    return overLimit
      ? { ...refusalOf(overLimit), settled: false }
      : {
          ok: false,
          code: 'INSUFFICIENT_BALANCE',
          message: 'balance is too low for this order',
          settled: false,
        };
  }
  const candidates = input.candidates.slice(from - 1, from - 1 + MAX_ATTEMPTS);
  const first = candidates[0]!;
  let price = first.price;
  const kinds: ProviderErrorKind[] = [];
  let stoppedByBalance = false;
  let lastMessage = 'no provider could supply a number';

  for (const [attempt, candidate] of candidates.entries()) {
    // Built only when something is logged: a child logger per attempt is measurable at hundreds/s.
    const log = () => ctx.log.child({ orderId, provider: candidate.providerCode, attempt });
    try {
      if (candidate.price !== price) {
        await repriceHold(ctx, {
          accountId: input.accountId,
          orderId,
          price: candidate.price,
          attempt,
          apiKey: input.apiKey,
        });
        price = candidate.price;
      }
      // Routing read the provider's version: its settings come from the process cache unless they changed.
      const provider = await ctx.upstreams.providerAt(ctx, candidate.providerId, candidate.providerVersion);
      const live = await checkLiveStock({
        ctx,
        input: { productId: candidate.productId, provider, slot: candidate },
      });
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
        active = await activate(ctx, {
          orderId,
          candidate,
          ref: number.ref,
          phone: number.phone,
          settle: input.settle,
        });
      } catch (error) {
        // Whatever failed after the provider handed out a number, the number goes back (if this cancel
        // fails too, the upstream sweep cancels it: no open order owns it).
        await adapter.cancel(number.ref).catch(() => undefined);
        throw error;
      }
      if (active) return { ok: true, order: active, settled: input.settle !== undefined };
      // The reconciler gave up on this order while the provider was answering: give the number back.
      log().warn('order was reconciled during provisioning; releasing the number');
      await adapter.cancel(number.ref).catch(() => undefined);
      return { ok: false, code: 'PROVIDER_ERROR', message: 'the provider answered too late', settled: false };
    } catch (error) {
      if (error instanceof ReleasedMeanwhile) {
        log().warn('order was reconciled during provisioning; stopping');
        return {
          ok: false,
          code: 'PROVIDER_ERROR',
          message: 'the order was released while provisioning',
          settled: false,
        };
      }
      if (isDomainError(error) && error.code === 'INSUFFICIENT_BALANCE') {
        // This candidate is unaffordable; another may not be.
        stoppedByBalance = true;
        lastMessage = error.message;
        continue;
      }
      if (isDomainError(error) && error.code === 'SPEND_LIMIT_EXCEEDED') {
        overLimit = error;
        continue;
      }
      if (error instanceof ProviderError || isDomainError(error)) {
        const kind = error instanceof ProviderError ? error.kind : 'BAD_REQUEST';
        kinds.push(kind);
        lastMessage = error.message;
        log().info({ kind, err: error.message }, 'candidate failed; trying the next');
        continue;
      }
      // Unexpected (database gone, a bug): release the money now if we can, then let it surface.
      await failProvisioning({ ctx, input: { orderId, reason: 'InternalError' } }).catch(() => undefined);
      throw error;
    }
  }

  const onlyEmpty = kinds.length > 0 && kinds.every((k) => k === 'NO_NUMBERS');
  // Where the only other answers were "no numbers", the limit or the balance is what kept the order from
  // a provider that was never asked: that is the refusal the customer can act on.
  const passedOver = kinds.length === 0 || onlyEmpty;
  const outcome: ProvisionOutcome =
    overLimit && passedOver
      ? refusalOf(overLimit)
      : stoppedByBalance && passedOver
        ? { ok: false, code: 'INSUFFICIENT_BALANCE', message: lastMessage }
        : onlyEmpty
          ? { ok: false, code: 'NO_OFFER_AVAILABLE', message: 'no numbers available for this request' }
          : {
              ok: false,
              code: 'PROVIDER_ERROR',
              message: `no provider could supply a number: ${lastMessage}`,
            };
  const failed = await failProvisioning({
    ctx,
    input: {
      orderId,
      reason: REASON[kinds.at(-1) ?? 'NO_NUMBERS'] ?? 'ProviderError',
      settle: input.settle ? { with: input.settle, outcome } : undefined,
    },
  });
  return { ...outcome, settled: failed && input.settle !== undefined };
}
