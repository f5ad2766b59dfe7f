import type { CatalogContext } from './catalog-context.ts';

export interface OperatorChoice {
  operatorId: number | null;
  code: string;
  name: string | null;
  localName: string | null;
}

/**
 * Operators that currently have in-stock tiers for a country × platform. The synthetic "any" choice comes
 * first, and only when operator-agnostic tiers have stock. An empty list means there is no choice to make.
 */
export async function listOperators({
  ctx,
  input,
}: {
  ctx: CatalogContext;
  input: { countryId: number; platformId: number };
}): Promise<OperatorChoice[]> {
  const snapshot = await ctx.catalogCache.get(ctx);
  const tiers = snapshot.byPair.get(`${input.countryId}:${input.platformId}`) ?? [];
  const named = new Map<number, OperatorChoice>();
  let any = false;
  for (const tier of tiers) {
    if (tier.operatorId === null) any = true;
    else if (!named.has(tier.operatorId)) {
      named.set(tier.operatorId, {
        operatorId: tier.operatorId,
        code: tier.operatorCode ?? String(tier.operatorId),
        name: tier.operatorName,
        localName: tier.operatorLocalName,
      });
    }
  }
  const choices = [...named.values()].sort((a, b) => a.code.localeCompare(b.code));
  return any ? [{ operatorId: null, code: 'any', name: null, localName: null }, ...choices] : choices;
}
