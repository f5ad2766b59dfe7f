import { recordAudit } from '../../audit/record-audit.ts';
import type { DbContext } from '../../platform/db.ts';
import { DomainError } from '../../platform/errors.ts';
import { isEmailShape, normalizeEmail } from '../account.ts';
import { createAccount } from '../create-account.ts';

export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
}

/**
 * The account a provider identity signs in to, inside the caller's transaction: the one already linked
 * to (issuer, subject); else the account with the same e-mail, linked now — only when the provider says
 * it verified that address, or anyone could claim an account by naming its e-mail; else a new account
 * without a password. Linking and creating are audited.
 */
export async function oidcIdentityAccount({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: OidcIdentity & { ip?: string | undefined; requestId?: string | undefined };
}): Promise<{ accountId: number; created: boolean }> {
  const linked = await ctx.db.query<{ accountId: number; disabled: boolean }>(
    `UPDATE oidc_identities i SET last_login_at = now(), email = coalesce($3, i.email)
     FROM accounts a WHERE i.issuer = $1 AND i.subject = $2 AND a.id = i.account_id
     RETURNING i.account_id AS "accountId", a.disabled_at IS NOT NULL AS disabled`,
    [input.issuer, input.subject, input.email ?? null],
  );
  if (linked.rows[0]) {
    if (linked.rows[0].disabled) throw new DomainError('UNAUTHORIZED', 'this account cannot sign in');
    return { accountId: linked.rows[0].accountId, created: false };
  }
  const email = input.email ? normalizeEmail(input.email) : undefined;
  if (!email || !isEmailShape(email) || !input.emailVerified)
    throw new DomainError('UNAUTHORIZED', 'the identity provider did not confirm an e-mail address');
  const actor = { ip: input.ip, requestId: input.requestId };
  const existing = await ctx.db.query<{ id: number; disabled: boolean }>(
    'SELECT id, disabled_at IS NOT NULL AS disabled FROM accounts WHERE email = $1 FOR UPDATE',
    [email],
  );
  let accountId = existing.rows[0]?.id;
  const created = accountId === undefined;
  if (existing.rows[0]?.disabled) throw new DomainError('UNAUTHORIZED', 'this account cannot sign in');
  if (accountId === undefined) {
    ({
      account: { id: accountId },
    } = await createAccount({ ctx, input: { email, role: 'customer', password: null } }));
    await recordAudit({
      ctx,
      input: {
        actor: { kind: 'account', accountId, ...actor },
        action: 'account.signup',
        target: { type: 'account', id: accountId },
        after: { email, method: 'oidc', issuer: input.issuer },
      },
    });
  }
  await ctx.db.query(
    'INSERT INTO oidc_identities (account_id, issuer, subject, email) VALUES ($1, $2, $3, $4)',
    [accountId, input.issuer, input.subject, email],
  );
  await recordAudit({
    ctx,
    input: {
      actor: { kind: 'account', accountId, ...actor },
      action: 'account.oidc_linked',
      target: { type: 'account', id: accountId },
      after: { issuer: input.issuer, subject: input.subject },
    },
  });
  return { accountId, created };
}
