/** Who performed an audited action, and from where. Surfaces build it from the request. */
export type AuditActor =
  | { kind: 'account'; accountId: number; requestId?: string | undefined; ip?: string | undefined }
  | { kind: 'cli' | 'system'; requestId?: string | undefined; ip?: string | undefined };

export const CLI_ACTOR: AuditActor = { kind: 'cli' };
export const SYSTEM_ACTOR: AuditActor = { kind: 'system' };
