/**
 * Crash safety, with real crashes: a process killed between placing the hold and hearing from the
 * provider leaves no held money once the reconciler has run; an activation a provider handed out that no
 * order recorded is cancelled at the provider.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reconcileProvisioning, stuckAfterSeconds } from '../../src/orders/reconcile-provisioning.ts';
import { reconcileUpstream } from '../../src/orders/reconcile-upstream.ts';
import { getProvider } from '../../src/providers/list-providers.ts';
import { PROCESS_TEST_TIMEOUT, STARTUP_TIMEOUT } from '../support/cli-process.ts';
import { waitUntil } from '../support/wait.ts';
import { customer, INDONESIA, ledgerViolations, orderWorld, WHATSAPP } from './order-fixture.ts';

const world = await orderWorld();
const CHILD = fileURLToPath(new URL('./crash-create.child.ts', import.meta.url));

describe('a process killed mid-create', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it('leaves a held order that the reconciler releases in full', async () => {
    const me = await customer(world);
    for (const p of world.supply.providers) world.supply.simulator.setFault(p.code, 'timeout');
    const child = spawn(
      process.execPath,
      [CHILD, world.ctx.url, String(me.account.id), String(world.catalogProductId)],
      {
        env: { ...process.env, CRASH_SECRET: world.ctx.secret },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise((resolve) => child.on('close', resolve));
    try {
      const orderId = await waitUntil(async () => {
        if (child.exitCode !== null) throw new Error(`child exited early: ${stderr}`);
        const row = await world.ctx.db.query(
          `SELECT id FROM orders WHERE account_id = $1 AND status = 'PROVISIONING'`,
          [me.account.id],
        );
        return row.rows[0]?.id as number | undefined;
      }, STARTUP_TIMEOUT);
      child.kill('SIGKILL');
      await exited;
      for (const p of world.supply.providers) world.supply.simulator.setFault(p.code, 'ok');

      const held = await me.balance();
      expect(held).toBeLessThan(1_000_000);
      expect(await reconcileProvisioning({ ctx: world.ctx })).toBe(0); // too young: it might still be running
      world.clock.advance((stuckAfterSeconds(world.ctx.config) + 1) * 1000);
      expect(await reconcileProvisioning({ ctx: world.ctx })).toBe(1);
      const order = await world.ctx.db.query('SELECT status, failed_reason FROM orders WHERE id = $1', [
        orderId,
      ]);
      expect(order.rows[0]).toEqual({ status: 'FAILED', failed_reason: 'Interrupted' });
      expect(await me.balance()).toBe(1_000_000);
      expect(await ledgerViolations(world)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      for (const p of world.supply.providers) world.supply.simulator.setFault(p.code, 'ok');
    }
  });
});

describe('an activation no order owns', () => {
  it('is cancelled at the provider after a grace period, and owned ones are left alone', async () => {
    const me = await customer(world);
    const owned = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders[0];
    const alpha = await getProvider({ ctx: world.ctx, input: { ref: 'alpha' } });
    const adapter = await world.ctx.upstreams.adapterFor(world.ctx, alpha);
    // What a crash right after the provider answered leaves behind: a number nobody recorded.
    const stray = await adapter.acquireNumber({ countryId: INDONESIA, platformId: WHATSAPP });

    expect(await reconcileUpstream({ ctx: world.ctx })).toEqual({ canceled: 0 });
    world.clock.advance((world.ctx.config.orders.orphanGraceSeconds + 1) * 1000);
    expect(await reconcileUpstream({ ctx: world.ctx })).toEqual({ canceled: 1 });

    const control = await fetch(
      `${world.supply.simulator.url}/control/personas/alpha/activations/${stray.ref}`,
    );
    expect(((await control.json()) as { status: string }).status).toBe('canceled');
    const mine = await me.call('GET', `/v1/orders/${owned.id}`);
    expect(mine.json().data.status).toBe('ACTIVE');
  });

  it('is finished when an SMS already reached it: the provider no longer lets it be cancelled', async () => {
    const alpha = await getProvider({ ctx: world.ctx, input: { ref: 'alpha' } });
    const adapter = await world.ctx.upstreams.adapterFor(world.ctx, alpha);
    const stray = await adapter.acquireNumber({ countryId: INDONESIA, platformId: WHATSAPP });
    await world.supply.simulator.injectSms('alpha', stray.ref, { text: 'Your code: 424242', code: '424242' });
    expect(await reconcileUpstream({ ctx: world.ctx })).toEqual({ canceled: 0 });
    world.clock.advance((world.ctx.config.orders.orphanGraceSeconds + 1) * 1000);
    expect(await reconcileUpstream({ ctx: world.ctx })).toEqual({ canceled: 1 });
    const control = await fetch(
      `${world.supply.simulator.url}/control/personas/alpha/activations/${stray.ref}`,
    );
    expect(((await control.json()) as { status: string }).status).not.toMatch(/^(waiting|received)/);
    expect((await adapter.listActive()).map((a) => a.ref)).not.toContain(stray.ref);
  });
});
