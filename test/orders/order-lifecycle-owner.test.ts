/**
 * The order lifecycle has one owner: only src/orders/order-lifecycle.ts writes orders.status, the move
 * table allows exactly the contract's state machine, and every move — applied directly, in any order —
 * either happens with all its consequences (event, money, statistics) or is refused changing nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderRecord, OrderStatus } from '../../src/orders/order.ts';
import {
  allowedTargets,
  canMove,
  lockOrder,
  type MoveKind,
  type OrderMove,
  transitionOrder,
} from '../../src/orders/order-lifecycle.ts';
import { withTransaction } from '../../src/platform/db.ts';
import { isDomainError } from '../../src/platform/errors.ts';
import { customer, ledgerViolations, orderWorld } from './order-fixture.ts';

const SRC = join(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** An UPDATE of orders whose SET list names status, or an INSERT into orders that names it. */
const WRITES_STATUS =
  /UPDATE\s+orders\b(?:(?!;|`)[\s\S])*?\bSET\b(?:(?!WHERE|`)[\s\S])*?\bstatus\s*=|INSERT\s+INTO\s+orders\s*\([^)]*\bstatus\b/i;

describe('the owner of order state', () => {
  it('is the only source file that writes orders.status', () => {
    const writers = sourceFiles(SRC)
      .filter((file) => WRITES_STATUS.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(writers).toEqual(['orders/order-lifecycle.ts']);
  });

  it('recognises a status write, so the check above can fail', () => {
    expect(WRITES_STATUS.test("UPDATE orders SET status = 'CANCELED' WHERE id = $1")).toBe(true);
    expect(WRITES_STATUS.test('UPDATE orders\n  SET phone = $2, status = $3 WHERE id = $1')).toBe(true);
    expect(WRITES_STATUS.test('INSERT INTO orders (account_id, status) VALUES ($1, $2)')).toBe(true);
    expect(WRITES_STATUS.test('UPDATE orders SET provider_action = NULL WHERE status = $1')).toBe(false);
  });

  it('allows exactly the state machine of the contract', () => {
    const edges = (from: OrderStatus) => allowedTargets(from).sort();
    expect(edges('PROVISIONING')).toEqual(['ACTIVE', 'FAILED']);
    expect(edges('ACTIVE')).toEqual(['ACTIVE', 'CANCELED', 'COMPLETED', 'EXPIRED', 'OTP_RECEIVED']);
    expect(edges('OTP_RECEIVED')).toEqual(['ACTIVE', 'COMPLETED', 'OTP_RECEIVED']);
    for (const terminal of ['COMPLETED', 'CANCELED', 'EXPIRED', 'FAILED'] as const)
      expect(edges(terminal)).toEqual([]);
  });
});

const world = await orderWorld();

const EVENT_OF: Partial<Record<MoveKind, string>> = {
  receive_sms: 'order.otp_received',
  resend: 'order.resend_requested',
  complete: 'order.completed',
  cancel: 'order.canceled',
  expire: 'order.expired',
};

async function state(orderId: number) {
  const row = await world.ctx.db.query<{
    status: OrderStatus;
    sms_revision: number;
    events: number;
    hold: string | null;
    outcomes: number;
  }>(
    `SELECT o.status, o.sms_revision,
       (SELECT count(*)::int FROM order_events e WHERE e.order_id = o.id) AS events,
       (SELECT r.kind FROM transfers r WHERE r.pending_id = o.hold_transfer_id) AS hold,
       (SELECT count(*)::int FROM provider_outcomes) AS outcomes
     FROM orders o WHERE o.id = $1`,
    [orderId],
  );
  return row.rows[0]!;
}

const Move = fc.oneof(
  fc.record({
    kind: fc.constant('receive_sms' as const),
    text: fc.constantFrom('code 1234', 'code 55', 'hi'),
  }),
  fc.constantFrom<OrderMove>(
    { kind: 'resend' },
    { kind: 'complete' },
    { kind: 'cancel' },
    { kind: 'expire' },
  ),
);

describe('every move, in any order (property)', () => {
  it('applies with its event, money and statistics, or is refused leaving the order as it was', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(Move, { minLength: 1, maxLength: 8 }), async (moves) => {
        const me = await customer(world);
        const created = await me.call('POST', '/v1/orders/create', {
          catalog_product_id: world.catalogProductId,
        });
        const orderId: number = created.json().data.orders[0].id;
        let serial = 0;
        for (const raw of moves) {
          const move: OrderMove =
            raw.kind === 'receive_sms'
              ? {
                  kind: 'receive_sms',
                  text: `${raw.text} #${serial++}`,
                  code: null,
                  receivedAt: world.clock.now(),
                }
              : raw;
          const before = await state(orderId);
          const allowed = canMove({ status: before.status, smsRevision: before.sms_revision }, move.kind);
          let applied: OrderRecord | undefined;
          try {
            applied = await withTransaction(world.ctx, async (tx) => {
              const order = await lockOrder({ ctx: tx, input: { orderId } });
              return transitionOrder({ ctx: tx, input: { order, move } });
            });
          } catch (error) {
            if (!isDomainError(error)) throw error;
            expect(error.code).toBe('CONFLICT');
          }
          const after = await state(orderId);
          if (!allowed) {
            expect(applied).toBeUndefined();
            expect(after).toEqual(before);
            continue;
          }
          expect(applied?.status).toBe(after.status);
          expect(allowedTargets(before.status)).toContain(after.status);
          expect(after.events).toBe(before.events + (EVENT_OF[move.kind] ? 1 : 0));
          if (move.kind === 'cancel' || move.kind === 'expire') expect(after.hold).toBe('void_pending');
          if (move.kind === 'receive_sms') {
            expect(after.sms_revision).toBe(before.sms_revision + 1);
            expect(after.hold).toBe('post_pending');
          }
          const learned =
            move.kind === 'cancel' ||
            move.kind === 'expire' ||
            (move.kind === 'receive_sms' && before.sms_revision === 0);
          expect(after.outcomes).toBe(before.outcomes + (learned ? 1 : 0));
        }
        const final = await state(orderId);
        const charged = final.sms_revision > 0;
        expect(await me.balance()).toBe(
          1_000_000 - (charged || final.status === 'ACTIVE' ? created.json().data.orders[0].amount : 0),
        );
      }),
      { numRuns: 25 },
    );
    expect(await ledgerViolations(world)).toEqual([]);
  });

  it('refuses a move outside a transaction', async () => {
    await expect(lockOrder({ ctx: world.ctx, input: { orderId: 1 } })).rejects.toThrow(/transaction/);
  });
});
