import type { DbContext } from '../platform/db.ts';

export interface AuditEntry {
  id: number;
  at: Date;
  actorKind: string;
  actorAccountId: number | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip: string | null;
}

export interface AuditFilter {
  actorAccountId?: number | undefined;
  /** An exact action, or a prefix ending in a dot (`account.`). */
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  /** Entries older than this id (keyset paging, newest first). */
  beforeId?: number | undefined;
  limit?: number | undefined;
}

/** The audit log, newest first, filtered. */
export async function listAudit({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: AuditFilter;
}): Promise<AuditEntry[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (clause: (n: string) => string, value: unknown) => {
    values.push(value);
    where.push(clause(`$${values.length}`));
  };
  if (input.actorAccountId !== undefined) add((n) => `actor_account_id = ${n}`, input.actorAccountId);
  if (input.action?.endsWith('.')) add((n) => `starts_with(action, ${n})`, input.action);
  else if (input.action !== undefined) add((n) => `action = ${n}`, input.action);
  if (input.targetType !== undefined) add((n) => `target_type = ${n}`, input.targetType);
  if (input.targetId !== undefined) add((n) => `target_id = ${n}`, input.targetId);
  if (input.since !== undefined) add((n) => `at >= ${n}`, input.since);
  if (input.until !== undefined) add((n) => `at < ${n}`, input.until);
  if (input.beforeId !== undefined) add((n) => `id < ${n}`, input.beforeId);
  values.push(Math.min(Math.max(input.limit ?? 50, 1), 500));
  const result = await ctx.db.query<AuditEntry>(
    `SELECT id, at, actor_kind AS "actorKind", actor_account_id AS "actorAccountId", action,
            target_type AS "targetType", target_id AS "targetId", before, after, request_id AS "requestId",
            host(ip) AS ip
     FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY id DESC LIMIT $${values.length}`,
    values,
  );
  return result.rows;
}
