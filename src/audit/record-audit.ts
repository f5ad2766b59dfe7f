import type { DbContext } from '../platform/db.ts';
import type { AuditActor } from './audit-actor.ts';

export interface AuditRecord {
  actor: AuditActor;
  /** Dotted, lowercase: `account.credit`, `api_key.revoke`, `session.login_failed`. */
  action: string;
  target?: { type: string; id: string | number } | undefined;
  before?: unknown;
  after?: unknown;
}

/**
 * Appends one audit entry. Call it with the action's own transaction, so the entry exists exactly when
 * the action does; secrets never belong in before/after.
 */
export async function recordAudit({ ctx, input }: { ctx: DbContext; input: AuditRecord }): Promise<void> {
  const { actor } = input;
  await ctx.db.query({
    name: 'audit.record',
    text: `INSERT INTO audit_log (actor_kind, actor_account_id, action, target_type, target_id, before, after, request_id, ip)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    values: [
      actor.kind,
      actor.kind === 'account' ? actor.accountId : null,
      input.action,
      input.target?.type ?? null,
      input.target === undefined ? null : String(input.target.id),
      input.before === undefined ? null : JSON.stringify(input.before),
      input.after === undefined ? null : JSON.stringify(input.after),
      actor.requestId ?? null,
      actor.ip ?? null,
    ],
  });
}
