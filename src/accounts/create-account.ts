import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { createWallet } from '../ledger/create-wallet.ts';
import { type DbContext, pgConstraint, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { ACCOUNT_COLUMNS, type Account, type AccountRole, checkedEmail } from './account.ts';
import { generatePassword, hashPassword } from './password.ts';
import { checkNewPassword } from './password-policy.ts';

export interface CreateAccountInput {
  email: string;
  role: AccountRole;
  /** Generated (and returned) when absent; null for an account that signs in only through OIDC. */
  password?: string | null | undefined;
  /** With an actor (an operator's action), the creation is audited in the same transaction. */
  actor?: AuditActor | undefined;
}

/**
 * Creates an account and its wallet, as an operator (admin command, sandbox): its address counts as
 * verified, the operator vouching for it (self-service sign-up is accounts/sign-up.ts). Returns the
 * password only when it was generated here.
 */
export async function createAccount({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: CreateAccountInput;
}): Promise<{ account: Account; generatedPassword: string | undefined }> {
  const email = checkedEmail(input.email);
  if (input.role !== 'customer' && input.role !== 'admin') {
    throw new DomainError('VALIDATION_ERROR', 'role must be customer or admin');
  }
  if (typeof input.password === 'string') checkNewPassword(input.password, email);
  const generatedPassword = input.password === undefined ? generatePassword() : undefined;
  const passwordHash =
    input.password === null ? null : await hashPassword(input.password ?? generatedPassword!);

  return withTransaction(ctx, async (tx) => {
    try {
      const inserted = await tx.db.query<Account>(
        `INSERT INTO accounts (email, password_hash, role, email_verified_at) VALUES ($1, $2, $3, now())
         RETURNING ${ACCOUNT_COLUMNS}`,
        [email, passwordHash, input.role],
      );
      const account = inserted.rows[0]!;
      await createWallet({ ctx: tx, input: { accountId: account.id } });
      if (input.actor) {
        await recordAudit({
          ctx: tx,
          input: {
            actor: input.actor,
            action: 'account.create',
            target: { type: 'account', id: account.id },
            after: { email: account.email, role: account.role },
          },
        });
      }
      return { account, generatedPassword };
    } catch (error) {
      if (pgConstraint(error) === 'accounts_email_key') {
        throw new DomainError('CONFLICT', `an account with email ${email} already exists`);
      }
      throw error;
    }
  });
}
