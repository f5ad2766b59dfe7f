/**
 * The version of the catalog as this node serves it now: it changes with every snapshot load and every
 * slot patched in (live stock checks, other nodes' patches through Redis), so a body rendered from the
 * catalog may be kept under it and reused until it changes. Countries and services belong to the same
 * version: they are seeded at start and their stock filter follows the same slots.
 */
import type { CatalogContext } from './catalog-context.ts';

export async function catalogVersion({ ctx }: { ctx: CatalogContext }): Promise<number> {
  return (await ctx.catalogCache.get(ctx)).version;
}
