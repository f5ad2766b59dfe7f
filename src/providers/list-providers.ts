import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { PROVIDER_COLUMNS, type ProviderRecord } from './provider.ts';

export async function listProviders({
  ctx,
  input = {},
}: {
  ctx: DbContext;
  input?: { enabledOnly?: boolean };
}): Promise<ProviderRecord[]> {
  const result = await ctx.db.query<ProviderRecord>(
    `SELECT ${PROVIDER_COLUMNS} FROM providers ${input.enabledOnly ? 'WHERE enabled' : ''} ORDER BY priority, id`,
  );
  return result.rows;
}

/** By numeric id or by code. */
export async function getProvider({ ctx, input }: { ctx: DbContext; input: { ref: string | number } }) {
  const byId = typeof input.ref === 'number' || /^\d+$/.test(input.ref);
  if (byId && !(Number(input.ref) <= 2_147_483_647))
    throw new DomainError('NOT_FOUND', `no provider ${input.ref}`);
  const result = await ctx.db.query<ProviderRecord>(
    `SELECT ${PROVIDER_COLUMNS} FROM providers WHERE ${byId ? 'id = $1' : 'code = $1'}`,
    [byId ? Number(input.ref) : String(input.ref).toLowerCase()],
  );
  const provider = result.rows[0];
  if (!provider) throw new DomainError('NOT_FOUND', `no provider ${input.ref}`);
  return provider;
}
