/**
 * Creating orders: routed by catalog product (with failover) or direct by tier slot, 1-100 at once with
 * partial success, under an idempotency key.
 *
 * The key is claimed first, in its own transaction. Its run provisions each order (provision-order.ts),
 * then stores the result — the created orders as they were, and how many failed — which every repeat of
 * the same request replays. A run that died is resumed by the next repeat: orders it finished count,
 * orders it left half-done are released first.
 */
import pLimit from 'p-limit';
import {
  claimIdempotencyKey,
  finishIdempotencyKey,
  releaseIdempotencyKey,
  requestHash,
  type StoredResult,
} from '../idempotency/idempotency-key.ts';
import { DomainError, type DomainErrorCode, isDomainError } from '../platform/errors.ts';
import { type Candidate, findCandidates, type RoutingPolicy } from '../providers/find-candidates.ts';
import { ORDER_SELECT, type OrderRecord } from './order.ts';
import { type OrderView, orderView } from './order-view.ts';
import type { OrdersContext } from './orders-context.ts';
import { provisionOrder } from './provision-order.ts';
import { releaseProvisioningOrder } from './reconcile-provisioning.ts';

export interface CreateOrdersInput {
  accountId: number;
  /** Exactly one of the two. */
  catalogProductId?: number | undefined;
  productId?: number | undefined;
  quantity?: number | undefined;
  policy?: RoutingPolicy | undefined;
  preferProvider?: string | undefined;
  /** IDR, inclusive. */
  maxPrice?: number | undefined;
  minPrice?: number | undefined;
  operatorId?: number | undefined;
  /** Phone prefixes (digits, with country code) the number must not start with. */
  excludePrefixes?: string[] | undefined;
  /** Client key; absent = a fresh key per request (no deduplication). */
  idempotencyKey?: string | undefined;
  /** The request as received (surface and raw body): what "the same request" means for the key. */
  fingerprint: unknown;
  /** Stored with the result so a replay renders the same money (the /v2 rate of the first response). */
  usdRate?: { rate: number; asOf: string | null } | undefined;
}

export interface CreateOrdersResult {
  orders: OrderView[];
  failedCount: number;
  usdRate: { rate: number; asOf: string | null } | null;
}

const PARALLEL_PROVISIONING = 4;
const TRANSIENT = new Set<DomainErrorCode>([
  'SERVICE_UNAVAILABLE',
  'FX_RATE_UNAVAILABLE',
  'REQUEST_IN_PROGRESS',
]);

function validate(input: CreateOrdersInput): number {
  const quantity = input.quantity ?? 1;
  if ((input.catalogProductId === undefined) === (input.productId === undefined)) {
    throw new DomainError('VALIDATION_ERROR', 'give exactly one of product_id or catalog_product_id');
  }
  if (input.excludePrefixes?.some((p) => !/^\d{1,15}$/.test(p))) {
    throw new DomainError('VALIDATION_ERROR', 'excluded prefixes are digits, with the country code');
  }
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 100) {
    throw new DomainError('VALIDATION_ERROR', 'quantity must be from 1 to 100');
  }
  if (input.maxPrice !== undefined && input.minPrice !== undefined && input.minPrice > input.maxPrice) {
    throw new DomainError('VALIDATION_ERROR', 'min_price is above max_price');
  }
  return quantity;
}

async function routeCandidates(ctx: OrdersContext, input: CreateOrdersInput): Promise<Candidate[]> {
  let catalogProductId = input.catalogProductId;
  if (input.productId !== undefined) {
    const slot = await ctx.db.query<{ catalog_product_id: number }>(
      'SELECT catalog_product_id FROM products WHERE id = $1',
      [input.productId],
    );
    if (!slot.rows[0]) throw new DomainError('NO_OFFER_AVAILABLE', `no product ${input.productId}`);
    catalogProductId = slot.rows[0].catalog_product_id;
  }
  return findCandidates({
    ctx,
    input: {
      catalogProductId: catalogProductId!,
      productId: input.productId,
      policy: input.policy,
      preferProvider: input.preferProvider,
      maxPrice: input.maxPrice,
      minPrice: input.minPrice,
      operatorId: input.operatorId,
    },
  });
}

/** Orders a previous run of this key already finished; its half-done ones are released first. */
async function ordersOfKey(ctx: OrdersContext, keyId: number): Promise<OrderRecord[]> {
  const leftovers = await ctx.db.query<{ id: number }>(
    `SELECT id FROM orders WHERE idempotency_key_id = $1 AND status = 'PROVISIONING'`,
    [keyId],
  );
  for (const { id } of leftovers.rows) await releaseProvisioningOrder({ ctx, input: { orderId: id } });
  const done = await ctx.db.query<OrderRecord>(
    `${ORDER_SELECT} WHERE o.idempotency_key_id = $1 AND o.status NOT IN ('PROVISIONING', 'FAILED') ORDER BY o.id`,
    [keyId],
  );
  return done.rows;
}

async function run(
  ctx: OrdersContext,
  input: CreateOrdersInput,
  keyId: number,
  resumed: boolean,
  quantity: number,
): Promise<StoredResult<CreateOrdersResult>> {
  const already = resumed ? await ordersOfKey(ctx, keyId) : [];
  const wanted = quantity - already.length;
  const candidates = wanted > 0 ? await routeCandidates(ctx, input) : [];
  const created: OrderRecord[] = [...already];
  let failedCount = 0;
  let firstFailure: { code: DomainErrorCode; message: string } | undefined;
  let outOfMoney = false;

  const limit = pLimit(PARALLEL_PROVISIONING);
  // After an unexpected failure no further unit starts: the run stops, so a retry of the key can never
  // end up with more orders than were asked for.
  let unexpected: unknown;
  await Promise.all(
    Array.from({ length: Math.max(0, wanted) }, () =>
      limit(async () => {
        if (unexpected !== undefined) return;
        try {
          // Once the wallet is empty, the remaining units fail without touching a provider.
          const outcome = outOfMoney
            ? ({
                ok: false,
                code: 'INSUFFICIENT_BALANCE',
                message: 'balance is too low for this order',
              } as const)
            : await provisionOrder({
                ctx,
                input: {
                  accountId: input.accountId,
                  keyId,
                  candidates,
                  excludePrefixes: input.excludePrefixes,
                },
              });
          if (outcome.ok) {
            created.push(outcome.order);
            return;
          }
          failedCount++;
          firstFailure ??= { code: outcome.code, message: outcome.message };
          if (outcome.code === 'INSUFFICIENT_BALANCE') outOfMoney = true;
        } catch (error) {
          unexpected ??= error;
        }
      }),
    ),
  );
  if (unexpected !== undefined) throw unexpected;

  if (created.length === 0 && firstFailure) return { error: firstFailure };
  const now = ctx.clock.now();
  created.sort((a, b) => a.id - b.id);
  return {
    ok: { orders: created.map((o) => orderView(o, now)), failedCount, usdRate: input.usdRate ?? null },
  };
}

export async function createOrders({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: CreateOrdersInput;
}): Promise<CreateOrdersResult> {
  const quantity = validate(input);
  const claim = await claimIdempotencyKey<CreateOrdersResult>({
    ctx,
    input: {
      accountId: input.accountId,
      scope: 'create',
      key: input.idempotencyKey ?? `auto-${crypto.randomUUID()}`,
      requestHash: requestHash(input.fingerprint),
    },
  });

  let result: StoredResult<CreateOrdersResult>;
  if (claim.kind === 'replay') {
    result = claim.result;
  } else {
    try {
      result = await run(ctx, input, claim.keyId, claim.kind === 'resume', quantity);
    } catch (error) {
      // A business refusal is the answer to this request and is replayed; anything else lets a retry run.
      if (!isDomainError(error) || TRANSIENT.has(error.code)) {
        await releaseIdempotencyKey({ ctx, input: { keyId: claim.keyId } }).catch(() => undefined);
        throw error;
      }
      result = { error: { code: error.code, message: error.message } };
    }
    await finishIdempotencyKey({ ctx, input: { keyId: claim.keyId, result } });
  }
  if ('error' in result) throw new DomainError(result.error.code, result.error.message);
  return result.ok;
}
