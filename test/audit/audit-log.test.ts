import { describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/list-audit.ts';
import { recordAudit } from '../../src/audit/record-audit.ts';
import { withTransaction } from '../../src/platform/db.ts';
import { createCustomer } from '../support/factories.ts';
import { createTestContext } from '../support/test-database.ts';

const ctx = await createTestContext();

describe('audit log', () => {
  it('records an entry with its actor, target, before and after, and filters by them', async () => {
    const { account: admin } = await createCustomer(ctx, { role: 'admin' });
    const { account } = await createCustomer(ctx);
    await recordAudit({
      ctx,
      input: {
        actor: { kind: 'account', accountId: admin.id, requestId: 'req-1', ip: '192.0.2.7' },
        action: 'account.suspend',
        target: { type: 'account', id: account.id },
        before: { suspended: false },
        after: { suspended: true },
      },
    });
    await recordAudit({ ctx, input: { actor: { kind: 'cli' }, action: 'provider.enable' } });
    const [entry] = await listAudit({ ctx, input: { targetType: 'account', targetId: String(account.id) } });
    expect(entry).toMatchObject({
      actorKind: 'account',
      actorAccountId: admin.id,
      action: 'account.suspend',
      before: { suspended: false },
      after: { suspended: true },
      requestId: 'req-1',
      ip: '192.0.2.7',
    });
    expect((await listAudit({ ctx, input: { action: 'account.' } })).map((e) => e.action)).toContain(
      'account.suspend',
    );
    expect((await listAudit({ ctx, input: { action: 'account.' } })).map((e) => e.action)).not.toContain(
      'provider.enable',
    );
  });

  it('is written with the action: a rolled-back action leaves no entry', async () => {
    await expect(
      withTransaction(ctx, async (tx) => {
        await recordAudit({ ctx: tx, input: { actor: { kind: 'system' }, action: 'test.rolled_back' } });
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await listAudit({ ctx, input: { action: 'test.rolled_back' } })).toEqual([]);
  });

  it('is append-only: entries cannot be changed or deleted', async () => {
    await recordAudit({ ctx, input: { actor: { kind: 'system' }, action: 'test.kept' } });
    await expect(ctx.pool.query(`UPDATE audit_log SET action = 'test.changed'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(ctx.pool.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });
});
