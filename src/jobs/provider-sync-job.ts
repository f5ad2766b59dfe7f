import type { PgBoss } from 'pg-boss';
import type { AppContext } from '../app-context.ts';
import { listProviders } from '../providers/list-providers.ts';
import { syncProviderOffers } from '../providers/sync-offers.ts';
import { PROVIDER_SYNC_QUEUE } from './queues.ts';

/** One job per enabled provider; the queue's exclusive policy keeps at most one queued or active each. */
export async function enqueueProviderSyncs(ctx: AppContext, boss: PgBoss): Promise<void> {
  for (const provider of await listProviders({ ctx, input: { enabledOnly: true } })) {
    await boss.send(PROVIDER_SYNC_QUEUE, { providerId: provider.id }, { singletonKey: String(provider.id) });
  }
}

export async function runProviderSync(ctx: AppContext, data: { providerId: number }): Promise<void> {
  // A failed sync is recorded on the provider; the next tick tries again, so the job itself succeeds.
  await syncProviderOffers({ ctx, input: { providerId: data.providerId } }).catch(() => undefined);
}
