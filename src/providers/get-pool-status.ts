/**
 * The pool's health in one word, for public pages: `up` when every enabled provider's circuit is closed,
 * `degraded` when some are open or probing, `down` when none can take an order. No provider is named and
 * no internal detail leaves this verb. Circuits are per node (health.ts), so this is this node's view.
 */
import { listProviders } from './list-providers.ts';
import type { ProvidersContext } from './providers-context.ts';

export type PoolState = 'up' | 'degraded' | 'down';

export async function getPoolStatus({ ctx }: { ctx: ProvidersContext }): Promise<{ state: PoolState }> {
  const providers = await listProviders({ ctx, input: { enabledOnly: true } });
  const closed = providers.filter((p) => ctx.upstreams.health.snapshot(p.id).circuit === 'closed').length;
  if (closed === 0) return { state: 'down' };
  return { state: closed === providers.length ? 'up' : 'degraded' };
}
