/**
 * Property: under any interleaving of create, SMS, cancel, finish, resend, time passing and expiry, money
 * stays exact — the ledger's invariants hold, the wallet equals its deposit minus what was delivered and
 * what is held, no request ends in a 500, and statuses only move along the lifecycle's table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expireOrders } from '../../src/orders/expire-orders.ts';
import { ingestSms } from '../../src/orders/ingest-sms.ts';
import type { OrderStatus } from '../../src/orders/order.ts';
import { allowedTargets } from '../../src/orders/order-lifecycle.ts';
import { customer, ledgerViolations, orderWorld } from './order-fixture.ts';

const world = await orderWorld();
const START = 1_000_000;

const Command = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), quantity: fc.integer({ min: 1, max: 2 }) }),
  fc.record({
    kind: fc.constant('sms' as const),
    index: fc.nat(5),
    text: fc.constantFrom('code 1234', 'code 9876', 'no code here'),
  }),
  fc.record({
    kind: fc.constantFrom('cancel' as const, 'finish' as const, 'resend' as const),
    index: fc.nat(5),
  }),
  fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 700 }) }),
  fc.record({ kind: fc.constant('expire' as const) }),
);

/** An SMS as a provider would report it (also ones without any code, which the simulator never sends). */
async function arrive(orderId: number, text: string) {
  const row = await world.ctx.db.query('SELECT provider_id, provider_ref FROM orders WHERE id = $1', [
    orderId,
  ]);
  await ingestSms({
    ctx: world.ctx,
    input: { providerId: row.rows[0].provider_id, providerRef: row.rows[0].provider_ref, text },
  });
}

describe('order state machine and ledger (property)', () => {
  it('keeps money exact under random interleavings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(Command, { minLength: 3, maxLength: 14 }), async (commands) => {
        const me = await customer(world, START);
        const ids: number[] = [];
        const lastStatus = new Map<number, OrderStatus>();
        for (const command of commands) {
          const id = 'index' in command ? ids[command.index % Math.max(1, ids.length)] : undefined;
          let status = 200;
          switch (command.kind) {
            case 'create': {
              const r = await me.call('POST', '/v1/orders/create', {
                catalog_product_id: world.catalogProductId,
                quantity: command.quantity,
              });
              status = r.statusCode;
              if (r.statusCode === 200) ids.push(...r.json().data.orders.map((o: { id: number }) => o.id));
              break;
            }
            case 'sms':
              if (id !== undefined) await arrive(id, command.text);
              break;
            case 'cancel':
            case 'finish':
            case 'resend':
              if (id !== undefined)
                status = (await me.call('POST', `/v1/orders/${command.kind}`, { id })).statusCode;
              break;
            case 'wait':
              world.clock.advance(command.seconds * 1000);
              break;
            case 'expire':
              await expireOrders({ ctx: world.ctx });
              break;
          }
          expect([200, 409, 422]).toContain(status);

          const orders = await world.ctx.db.query<{
            id: number;
            status: OrderStatus;
            amount: number;
            sms_revision: number;
          }>(
            `SELECT id, status, amount, sms_revision FROM orders WHERE account_id = $1 AND status NOT IN ('FAILED')`,
            [me.account.id],
          );
          const spent = orders.rows
            .filter((o) => o.sms_revision > 0 || o.status === 'ACTIVE' || o.status === 'PROVISIONING')
            .reduce((sum, o) => sum + o.amount, 0);
          expect(await me.balance()).toBe(START - spent);
          // Each command moves an order at most once, and only along the lifecycle's table.
          for (const o of orders.rows) {
            const previous = lastStatus.get(o.id) ?? 'PROVISIONING';
            expect([previous, ...allowedTargets(previous)]).toContain(o.status);
            lastStatus.set(o.id, o.status);
          }
        }
        expect(await ledgerViolations(world)).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });
});
