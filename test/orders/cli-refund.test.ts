/**
 * `numpool admin refund` is the console's refund from the command line: the same verb, so only a
 * completed order is refunded, once, and the audit log names the command line as the actor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/list-audit.ts';
import { getBalance } from '../../src/ledger/get-balance.ts';
import { PROCESS_TEST_TIMEOUT, runCli } from '../support/cli-process.ts';
import { cleanupAfterFile } from '../support/test-database.ts';
import { customer, deliverSms, orderWorld } from './order-fixture.ts';

const world = await orderWorld();
const dataDir = mkdtempSync(join(tmpdir(), 'numpool-cli-refund-'));
cleanupAfterFile(() => rmSync(dataDir, { recursive: true, force: true }));
const env = { DATABASE_URL: world.ctx.url, NUMPOOL_DATA_DIR: dataDir };
const refund = (order: number, ...flags: string[]) =>
  runCli(['admin', 'refund', String(order), ...flags], env);

describe('numpool admin refund', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it('refunds a completed order once, audited; a charged order still open and a missing reason are refused', async () => {
    const me = await customer(world);
    const create = async () => {
      const created = await me.call('POST', '/v1/orders/create', {
        catalog_product_id: world.catalogProductId,
      });
      expect(created.statusCode, created.body).toBe(200);
      return created.json().data.orders[0] as { id: number; price: number };
    };
    const completed = await create();
    const charged = await create();
    await deliverSms(world, completed.id, { text: 'Your code: 551100', code: '551100' });
    await deliverSms(world, charged.id, { text: 'Your code: 661100', code: '661100' });
    expect((await me.call('POST', '/v1/orders/finish', { id: completed.id })).statusCode).toBe(200);
    const before = (await getBalance({ ctx: world.ctx, input: { accountId: me.account.id } })).available;

    const open = await refund(charged.id, '--reason', 'asked for it');
    expect(open.code).toBe(1);
    expect(open.stderr).toContain('only a completed order is refunded');

    const unexplained = await refund(completed.id);
    expect(unexplained.code).not.toBe(0);
    expect(unexplained.stderr).toContain('--reason');

    const done = await refund(completed.id, '--reason', 'the code did not work');
    expect(done.code, done.stderr).toBe(0);
    const printed = JSON.parse(done.stdout) as { amount: number; accountId: number };
    expect(printed).toMatchObject({ accountId: me.account.id });
    const after = (await getBalance({ ctx: world.ctx, input: { accountId: me.account.id } })).available;
    expect(after - before).toBe(printed.amount);

    const again = await refund(completed.id, '--reason', 'the code did not work');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already refunded');
    expect((await getBalance({ ctx: world.ctx, input: { accountId: me.account.id } })).available).toBe(after);

    const audited = await listAudit({ ctx: world.ctx, input: { action: 'order.refund' } });
    expect(audited.map((e) => [e.actorKind, e.targetId, (e.after as { reason: string }).reason])).toEqual([
      ['cli', String(completed.id), 'the code did not work'],
    ]);
  });
});
