/**
 * Markup rules turn a provider cost (IDR) into a selling price. The most specific rule wins: platform,
 * then country, then provider, then the global default (always present).
 */
import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { type DbContext, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { applyMultiplier } from '../platform/money.ts';

export type MarkupScope = 'global' | 'provider' | 'country' | 'platform';

export interface MarkupRule {
  id: number;
  scope: MarkupScope;
  providerId: number | null;
  countryId: number | null;
  platformId: number | null;
  /** Decimal text, e.g. "1.3000". */
  multiplier: string;
  addIdr: number;
}

/** A fixed addition beyond this is a typo, and would push prices out of range. */
export const MAX_ADD_IDR = 1_000_000_000;

const COLUMNS = `id, scope, provider_id AS "providerId", country_id AS "countryId", platform_id AS "platformId",
  multiplier::text AS multiplier, add_idr AS "addIdr"`;

export async function listMarkupRules({ ctx }: { ctx: DbContext }): Promise<MarkupRule[]> {
  const result = await ctx.db.query<MarkupRule>(`SELECT ${COLUMNS} FROM markup_rules ORDER BY scope, id`);
  return result.rows;
}

export interface SetMarkupInput {
  scope: MarkupScope;
  providerId?: number | null;
  countryId?: number | null;
  platformId?: number | null;
  multiplier: number;
  addIdr?: number;
  /** With an actor (an operator's action), the change is audited in the same transaction. */
  actor?: AuditActor;
}

/** Creates or replaces the rule for one scope and target. */
export async function setMarkupRule({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: SetMarkupInput;
}): Promise<MarkupRule> {
  const target = {
    providerId: input.scope === 'provider' ? (input.providerId ?? null) : null,
    countryId: input.scope === 'country' ? (input.countryId ?? null) : null,
    platformId: input.scope === 'platform' ? (input.platformId ?? null) : null,
  };
  if (input.scope !== 'global' && Object.values(target).every((v) => v === null)) {
    throw new DomainError('VALIDATION_ERROR', `a ${input.scope} rule needs its ${input.scope} id`);
  }
  if (!(input.multiplier >= 1 && input.multiplier <= 100)) {
    throw new DomainError('VALIDATION_ERROR', 'multiplier must be from 1 to 100 (no selling below cost)');
  }
  const addIdr = input.addIdr ?? 0;
  if (!Number.isSafeInteger(addIdr) || addIdr < 0)
    throw new DomainError('VALIDATION_ERROR', 'add_idr must be ≥ 0');
  try {
    return await withTransaction(ctx, async (tx) => {
      const previous = await tx.db.query<MarkupRule>(
        `SELECT ${COLUMNS} FROM markup_rules WHERE scope = $1 AND provider_id IS NOT DISTINCT FROM $2
           AND country_id IS NOT DISTINCT FROM $3 AND platform_id IS NOT DISTINCT FROM $4 FOR UPDATE`,
        [input.scope, target.providerId, target.countryId, target.platformId],
      );
      const result = await tx.db.query<MarkupRule>(
        `INSERT INTO markup_rules (scope, provider_id, country_id, platform_id, multiplier, add_idr)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (scope, coalesce(provider_id, 0), coalesce(country_id, -1), coalesce(platform_id, 0))
         DO UPDATE SET multiplier = excluded.multiplier, add_idr = excluded.add_idr, updated_at = now()
         RETURNING ${COLUMNS}`,
        [input.scope, target.providerId, target.countryId, target.platformId, input.multiplier, addIdr],
      );
      const rule = result.rows[0]!;
      if (input.actor) {
        await recordAudit({
          ctx: tx,
          input: {
            actor: input.actor,
            action: 'markup_rule.set',
            target: { type: 'markup_rule', id: rule.id },
            before: previous.rows[0] ?? null,
            after: rule,
          },
        });
      }
      return rule;
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23503') {
      throw new DomainError('NOT_FOUND', `no ${input.scope} with that id`);
    }
    throw error;
  }
}

export async function deleteMarkupRule({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { id: number; actor?: AuditActor };
}): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const result = await tx.db.query<MarkupRule>(
      `DELETE FROM markup_rules WHERE id = $1 AND scope <> 'global' RETURNING ${COLUMNS}`,
      [input.id],
    );
    const removed = result.rows[0];
    if (!removed) throw new DomainError('NOT_FOUND', `no removable markup rule ${input.id}`);
    if (input.actor) {
      await recordAudit({
        ctx: tx,
        input: {
          actor: input.actor,
          action: 'markup_rule.delete',
          target: { type: 'markup_rule', id: removed.id },
          before: removed,
          after: null,
        },
      });
    }
  });
}

/** Resolves rules for many offers at once: built once per sync, then a pure lookup per offer. */
export function markupPricer(rules: MarkupRule[]) {
  const global = rules.find((r) => r.scope === 'global');
  const byProvider = new Map(rules.filter((r) => r.scope === 'provider').map((r) => [r.providerId, r]));
  const byCountry = new Map(rules.filter((r) => r.scope === 'country').map((r) => [r.countryId, r]));
  const byPlatform = new Map(rules.filter((r) => r.scope === 'platform').map((r) => [r.platformId, r]));
  /** costIdr is exact (decimal text allowed): rounding happens once, up, on the price. Never below 1 IDR. */
  return (
    costIdr: number | string,
    at: { providerId: number; countryId: number; platformId: number },
  ): number => {
    const rule =
      byPlatform.get(at.platformId) ?? byCountry.get(at.countryId) ?? byProvider.get(at.providerId) ?? global;
    return Math.max(1, applyMultiplier(costIdr, rule?.multiplier ?? 1, rule?.addIdr ?? 0));
  };
}
