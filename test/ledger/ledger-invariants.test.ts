/**
 * The ledger check against real state: deposits and orders made through the real verbs and the simulator,
 * then one record corrupted at a time inside a transaction that is rolled back, so each test sees exactly
 * its own fault. Each test asserts the full list of (check, record) the fault produces.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../src/audit/audit-actor.ts';
import { adjustBalance } from '../../src/ledger/adjust-balance.ts';
import { checkLedger, type LedgerViolation } from '../../src/ledger/check-ledger.ts';
import { placeHold } from '../../src/ledger/place-hold.ts';
import { postHold } from '../../src/ledger/resolve-hold.ts';
import { refundOrder } from '../../src/orders/refund-order.ts';
import type { DbContext } from '../../src/platform/db.ts';
import { customer, deliverSms, orderWorld } from '../orders/order-fixture.ts';
import { runCli } from '../support/cli-process.ts';
import { cleanupAfterFile } from '../support/test-database.ts';

const world = await orderWorld();

interface State {
  accountId: number;
  wallet: string;
  depositId: number;
  /** ACTIVE, no SMS: hold pending. */
  open: { id: number; holdId: number };
  /** OTP_RECEIVED: hold posted. */
  charged: { id: number; holdId: number; postId: number };
  /** COMPLETED, then refunded. */
  refunded: { id: number; refundId: number };
  /** CANCELED: hold voided. */
  canceled: { id: number; holdId: number };
}

let state: State;

async function create(me: Awaited<ReturnType<typeof customer>>): Promise<number> {
  const created = await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId });
  expect(created.statusCode).toBe(200);
  return created.json().data.orders[0].id;
}

async function one<T>(sql: string, values: unknown[]): Promise<T> {
  const result = await world.ctx.db.query(sql, values);
  expect(result.rows).toHaveLength(1);
  return Object.values(result.rows[0])[0] as T;
}

const holdOf = (orderId: number) =>
  one<number>('SELECT hold_transfer_id FROM orders WHERE id = $1', [orderId]);

beforeAll(async () => {
  const me = await customer(world);
  const wallet = `wallet:${me.account.id}`;
  const depositId = await one<number>(
    `SELECT t.id FROM transfers t JOIN ledger_accounts w ON w.id = t.credit_account_id
     WHERE t.code = 'deposit' AND w.code = $1`,
    [wallet],
  );
  const open = await create(me);
  const charged = await create(me);
  const refunded = await create(me);
  const canceled = await create(me);
  await deliverSms(world, charged, { text: 'Your code: 111222', code: '111222' });
  await deliverSms(world, refunded, { text: 'Your code: 333444', code: '333444' });
  expect((await me.call('POST', '/v1/orders/finish', { id: refunded })).statusCode).toBe(200);
  const refund = await refundOrder({ ctx: world.ctx, input: { orderId: refunded } });
  world.clock.advance(121_000);
  expect((await me.call('POST', '/v1/orders/cancel', { id: canceled })).statusCode).toBe(200);
  const chargedHold = await holdOf(charged);
  state = {
    accountId: me.account.id,
    wallet,
    depositId,
    open: { id: open, holdId: await holdOf(open) },
    charged: {
      id: charged,
      holdId: chargedHold,
      postId: await one<number>(`SELECT id FROM transfers WHERE pending_id = $1`, [chargedHold]),
    },
    refunded: { id: refunded, refundId: refund.transferId },
    canceled: { id: canceled, holdId: await holdOf(canceled) },
  };
});

/** The check run on the state as changed by corrupt, in a transaction that is then rolled back. */
async function violationsAfter(corrupt: (tx: DbContext) => Promise<unknown>): Promise<string[]> {
  const client = await world.ctx.pool.connect();
  try {
    await client.query('BEGIN');
    const tx: DbContext = { ...world.ctx, db: client, inTransaction: true };
    await corrupt(tx);
    return named(await checkLedger({ ctx: tx }));
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

const named = (violations: LedgerViolation[]) => violations.map((v) => `${v.check} ${v.record}`).sort();

/** Transfers are immutable by trigger; a corruption that edits one lifts it inside its transaction. */
const editable = (tx: DbContext) => tx.db.query('ALTER TABLE transfers DISABLE TRIGGER transfers_immutable');

const order = (id: number) => `order:${id}`;
const transfer = (id: number) => `transfer:${id}`;

describe('ledger check on a clean ledger', () => {
  it('reports nothing for deposits, open, charged, refunded and canceled orders', async () => {
    expect(await checkLedger({ ctx: world.ctx })).toEqual([]);
  });
});

describe('ledger check names each corrupted record', () => {
  it('wallet_totals: a wallet total that differs from its transfers', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query('UPDATE ledger_accounts SET credits_posted = credits_posted + 1 WHERE account_id = $1', [
        state.accountId,
      ]),
    );
    // The wallets' credits are also what funding paid out.
    expect(found).toEqual([`platform_balance platform:funding`, `wallet_totals ${state.wallet}`]);
  });

  it('order_amount: an open order whose amount is not its hold', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query('UPDATE orders SET amount = amount + 1 WHERE id = $1', [state.open.id]),
    );
    expect(found).toEqual([`order_amount ${order(state.open.id)}`, 'platform_balance platform:revenue']);
  });

  it('order_amount and order_charge: a charged order whose amount is not what it was charged', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query('UPDATE orders SET amount = amount - 1 WHERE id = $1', [state.charged.id]),
    );
    expect(found).toEqual([
      `order_amount ${order(state.charged.id)}`,
      `order_charge ${order(state.charged.id)}`,
      'platform_balance platform:revenue',
    ]);
  });

  it('order_charge: a charge posted for less than its hold', async () => {
    const found = await violationsAfter(async (tx) => {
      await editable(tx);
      await tx.db.query('UPDATE transfers SET amount = amount - 1 WHERE id = $1', [state.charged.postId]);
    });
    expect(found).toEqual([
      `order_charge ${order(state.charged.id)}`,
      'platform_balance platform:revenue',
      `resolution_mismatch ${transfer(state.charged.postId)}`,
      `wallet_totals ${state.wallet}`,
    ]);
  });

  it('order_charge: an order charged without an SMS', async () => {
    const found = await violationsAfter(async (tx) => {
      await editable(tx);
      await tx.db.query(
        `UPDATE transfers SET kind = 'post_pending', code = 'order_charge' WHERE pending_id = $1`,
        [state.canceled.holdId],
      );
    });
    expect(found).toEqual([
      `order_charge ${order(state.canceled.id)}`,
      'platform_balance platform:revenue',
      `wallet_totals ${state.wallet}`,
    ]);
  });

  it.each(['CANCELED', 'EXPIRED', 'FAILED', 'COMPLETED'])(
    'terminal_hold_pending: a %s order whose hold was never resolved',
    async (status) => {
      const found = await violationsAfter((tx) =>
        tx.db.query('UPDATE orders SET status = $2 WHERE id = $1', [state.open.id, status]),
      );
      // COMPLETED also reads as charged: its provider cost is then missing from the ledger.
      const charged =
        status === 'COMPLETED'
          ? [`order_cost ${order(state.open.id)}`, 'platform_balance platform:provider_payable']
          : [];
      expect(found).toEqual(
        [
          ...charged,
          'platform_balance platform:revenue',
          `terminal_hold_pending ${order(state.open.id)}`,
        ].sort(),
      );
    },
  );

  it('order_cost: a charged order whose recorded cost differs from what the ledger booked', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query('UPDATE orders SET cost_idr = cost_idr + 1 WHERE id = $1', [state.charged.id]),
    );
    expect(found).toEqual([
      `order_cost ${order(state.charged.id)}`,
      'platform_balance platform:provider_payable',
      'platform_balance platform:revenue',
    ]);
  });

  it('order_cost: a provider cost booked twice, and one that names no order', async () => {
    const book = (reference: string) => (tx: DbContext) =>
      tx.db.query(
        `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, code, external_id)
         SELECT 'posted', r.id, p.id, 100, 'order_cost', $1 FROM ledger_accounts r, ledger_accounts p
         WHERE r.code = 'platform:revenue' AND p.code = 'platform:provider_payable' RETURNING id`,
        [reference],
      );
    const twice = await violationsAfter(book(`order:${state.charged.id}:2`));
    expect(twice).toEqual([
      `order_cost ${order(state.charged.id)}`,
      'platform_balance platform:provider_payable',
      'platform_balance platform:revenue',
    ]);
    const stray = await violationsAfter(book('order:999999'));
    expect(stray.filter((v) => v.startsWith('order_cost'))).toEqual([
      expect.stringMatching(/^order_cost transfer:\d+$/),
    ]);
  });

  it('order_hold_state: an open order whose hold was released', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query(`UPDATE orders SET status = 'ACTIVE' WHERE id = $1`, [state.canceled.id]),
    );
    expect(found).toEqual([
      `order_hold_state ${order(state.canceled.id)}`,
      'platform_balance platform:revenue',
    ]);
  });

  it('order_hold and superseded_hold: an order that lost its hold', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query('UPDATE orders SET hold_transfer_id = NULL WHERE id = $1', [state.open.id]),
    );
    expect(found).toEqual([
      `order_hold ${order(state.open.id)}`,
      `superseded_hold ${transfer(state.open.holdId)}`,
    ]);
  });

  it('order_hold: an order pointing at another order’s hold', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query('UPDATE orders SET hold_transfer_id = $2 WHERE id = $1', [
        state.open.id,
        state.canceled.holdId,
      ]),
    );
    expect(found).toEqual([
      `order_hold ${order(state.open.id)}`,
      `superseded_hold ${transfer(state.open.holdId)}`,
    ]);
  });

  it('superseded_hold: a replaced hold left pending', async () => {
    let holdId = 0;
    const found = await violationsAfter(async (tx) => {
      const hold = await placeHold({
        ctx: tx,
        input: { accountId: state.accountId, amount: 500, reference: `order:${state.open.id}:9` },
      });
      holdId = hold.transferId;
    });
    expect(found).toEqual(['platform_balance platform:revenue', `superseded_hold ${transfer(holdId)}`]);
  });

  it('superseded_hold: a replaced hold that was charged', async () => {
    let holdId = 0;
    const found = await violationsAfter(async (tx) => {
      const hold = await placeHold({
        ctx: tx,
        input: { accountId: state.accountId, amount: 500, reference: `order:${state.charged.id}:9` },
      });
      holdId = hold.transferId;
      await postHold({ ctx: tx, input: { holdId } });
    });
    expect(found).toEqual(['platform_balance platform:revenue', `superseded_hold ${transfer(holdId)}`]);
  });

  it('resolved_twice: a hold resolved a second time, allowed once the unique index is gone', async () => {
    const found = await violationsAfter(async (tx) => {
      await tx.db.query('DROP INDEX transfers_resolve_once');
      await tx.db.query(
        `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, pending_id, code)
         SELECT 'void_pending', debit_account_id, credit_account_id, amount, id, 'order_release'
         FROM transfers WHERE id = $1`,
        [state.charged.holdId],
      );
    });
    expect(found).toEqual([`resolved_twice ${transfer(state.charged.holdId)}`]);
  });

  it('resolved_twice and order_charge: a hold posted twice', async () => {
    const found = await violationsAfter(async (tx) => {
      await tx.db.query('DROP INDEX transfers_resolve_once');
      await tx.db.query(
        `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, pending_id, code)
         SELECT 'post_pending', debit_account_id, credit_account_id, amount, id, 'order_charge'
         FROM transfers WHERE id = $1`,
        [state.charged.holdId],
      );
    });
    expect(found).toEqual([
      `order_charge ${order(state.charged.id)}`,
      'platform_balance platform:revenue',
      `resolved_twice ${transfer(state.charged.holdId)}`,
      `wallet_totals ${state.wallet}`,
    ]);
  });

  it('resolution_mismatch: a void of a transfer that was never pending, as the schema allows', async () => {
    let voidId = 0;
    const found = await violationsAfter(async (tx) => {
      const inserted = await tx.db.query<{ id: number }>(
        `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, pending_id, code)
         SELECT 'void_pending', debit_account_id, credit_account_id, amount, id, 'order_release'
         FROM transfers WHERE id = $1 RETURNING id`,
        [state.depositId],
      );
      voidId = inserted.rows[0]!.id;
    });
    expect(found).toEqual([`resolution_mismatch ${transfer(voidId)}`, `transfer_route ${transfer(voidId)}`]);
  });

  it('order_refund: a refund for less than the order', async () => {
    const found = await violationsAfter(async (tx) => {
      await editable(tx);
      await tx.db.query('UPDATE transfers SET amount = amount - 1 WHERE id = $1', [state.refunded.refundId]);
    });
    expect(found).toEqual([
      `order_refund ${order(state.refunded.id)}`,
      'platform_balance platform:revenue',
      `wallet_totals ${state.wallet}`,
    ]);
  });

  it('order_refund: a refund of an order that was never charged', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query(
        `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, code, external_id)
         SELECT 'posted', r.id, w.id, o.amount, 'order_refund', 'order:' || o.id
         FROM orders o, ledger_accounts r, ledger_accounts w
         WHERE o.id = $1 AND r.code = 'platform:revenue' AND w.account_id = o.account_id`,
        [state.canceled.id],
      ),
    );
    // The wallet's stored credits never received it, which is also what funding's balance is checked against.
    expect(found).toEqual([
      `order_refund ${order(state.canceled.id)}`,
      'platform_balance platform:funding',
      `wallet_totals ${state.wallet}`,
    ]);
  });

  it('platform_balance: a deposit whose transfer is gone', async () => {
    const found = await violationsAfter(async (tx) => {
      await editable(tx);
      await tx.db.query('DELETE FROM transfers WHERE id = $1', [state.depositId]);
    });
    expect(found).toEqual(['platform_balance platform:funding', `wallet_totals ${state.wallet}`]);
  });

  it('platform_balance and transfer_route: money moved between platform accounts', async () => {
    const routes = [
      ['platform:funding', 'platform:revenue'],
      ['platform:revenue', 'platform:provider_payable'],
    ];
    for (const [debit, credit] of routes) {
      let id = 0;
      const found = await violationsAfter(async (tx) => {
        const inserted = await tx.db.query<{ id: number }>(
          `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, code)
           SELECT 'posted', d.id, c.id, 700, 'deposit' FROM ledger_accounts d, ledger_accounts c
           WHERE d.code = $1 AND c.code = $2 RETURNING id`,
          [debit, credit],
        );
        id = inserted.rows[0]!.id;
      });
      expect(found).toEqual(
        [`platform_balance ${credit}`, `platform_balance ${debit}`, `transfer_route ${transfer(id)}`].sort(),
      );
    }
  });

  it('accepts an operator’s credit and debit, and names one that went astray', async () => {
    const adjust = (tx: DbContext, direction: 'credit' | 'debit', amount: number) =>
      adjustBalance({
        ctx: tx,
        input: { accountId: state.accountId, direction, amount, reason: 'test', actor: CLI_ACTOR },
      });
    expect(
      await violationsAfter(async (tx) => {
        await adjust(tx, 'credit', 900);
        await adjust(tx, 'debit', 400);
      }),
    ).toEqual([]);

    // A debit whose wallet was never debited: the wallet says so (funding got what the transfer says).
    const unbooked = await violationsAfter((tx) =>
      tx.db.query(
        `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, code)
         SELECT 'posted', w.id, f.id, 400, 'manual_debit' FROM ledger_accounts w, ledger_accounts f
         WHERE w.account_id = $1 AND f.code = 'platform:funding'`,
        [state.accountId],
      ),
    );
    expect(unbooked).toEqual([`wallet_totals ${state.wallet}`]);

    // A debit taken into revenue: not a movement the ledger makes; revenue holds money no order explains
    // and funding misses what the debit owes it.
    let astray = 0;
    const intoRevenue = await violationsAfter(async (tx) => {
      await adjust(tx, 'debit', 400);
      await editable(tx);
      const moved = await tx.db.query<{ id: number }>(
        `UPDATE transfers SET credit_account_id = (SELECT id FROM ledger_accounts WHERE code = 'platform:revenue')
         WHERE id = (SELECT max(id) FROM transfers WHERE code = 'manual_debit') RETURNING id`,
      );
      astray = moved.rows[0]!.id;
    });
    expect(intoRevenue).toEqual([
      'platform_balance platform:funding',
      'platform_balance platform:revenue',
      `transfer_route ${transfer(astray)}`,
    ]);

    // A credit the wallet booked twice over.
    const doubled = await violationsAfter(async (tx) => {
      await adjust(tx, 'credit', 900);
      await tx.db.query(
        'UPDATE ledger_accounts SET credits_posted = credits_posted + 900 WHERE account_id = $1',
        [state.accountId],
      );
    });
    expect(doubled).toEqual(['platform_balance platform:funding', `wallet_totals ${state.wallet}`]);
  });

  it('leaves the clean ledger clean after every rolled-back corruption', async () => {
    expect(await checkLedger({ ctx: world.ctx })).toEqual([]);
  });
});

describe('numpool admin ledger-check', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'numpool-ledger-check-'));
  cleanupAfterFile(() => rmSync(dataDir, { recursive: true, force: true }));
  it('exits 1 and prints the violation', async () => {
    // The child process reads committed data: this corruption is committed, and undone afterwards.
    await world.ctx.db.query('UPDATE orders SET amount = amount + 1 WHERE id = $1', [state.open.id]);
    const result = await runCli(['admin', 'ledger-check'], {
      DATABASE_URL: world.ctx.url,
      NUMPOOL_DATA_DIR: dataDir,
    }).finally(() =>
      world.ctx.db.query('UPDATE orders SET amount = amount - 1 WHERE id = $1', [state.open.id]),
    );
    expect(result.code).toBe(1);
    const printed = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(printed).toContainEqual({
      check: 'order_amount',
      record: order(state.open.id),
      detail: expect.stringContaining(`hold ${state.open.holdId}`),
    });
  });
});
