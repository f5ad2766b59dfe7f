/**
 * Logging in with email and password (and the second factor when the account has one). Every failure —
 * unknown email, wrong password, disabled account — is the same UNAUTHORIZED with the same message, and
 * costs the same argon2 verification (against a stand-in hash when no account has the email), so neither
 * the answer nor its timing says whether an email is registered. Only after the right password does an
 * account with two-factor sign-in say so (mfa_required). Throttling (login-throttle.ts) is counted before
 * the password is looked at. Failures are audited in their own transaction, since no other write happens.
 */
import { randomBytes } from 'node:crypto';
import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { AccountRole } from './account.ts';
import { normalizeEmail } from './account.ts';
import type { AccountsContext } from './accounts-context.ts';
import { clearLoginFailures, countLoginAttempt, refundLoginAttempt } from './login-throttle.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { createSession, type NewSession } from './sessions/create-session.ts';
import { revokeSessionToken } from './sessions/revoke-sessions.ts';
import { checkSecondFactor } from './totp/check-second-factor.ts';

export interface LogInInput {
  email: string;
  password: string;
  totpCode?: string | undefined;
  recoveryCode?: string | undefined;
  ip: string;
  userAgent?: string | undefined;
  requestId?: string | undefined;
  /** The session token the browser presented, if any: it ends when the new session starts. */
  previousToken?: string | undefined;
}

export interface LoggedIn {
  account: { id: number; email: string; role: AccountRole };
  session: NewSession;
}

interface LoginRow {
  id: number;
  email: string;
  role: AccountRole;
  passwordHash: string | null;
  disabled: boolean;
  totpSecretSealed: string | null;
  totpEnabled: boolean;
}

export const LOGIN_REFUSED = 'wrong email or password';

// Verified when no account has the email, so that path costs what a wrong password costs.
let standIn: Promise<string> | undefined;
const standInHash = () => {
  standIn ??= hashPassword(randomBytes(16).toString('hex'));
  return standIn;
};

export async function logIn({ ctx, input }: { ctx: AccountsContext; input: LogInInput }): Promise<LoggedIn> {
  const email = normalizeEmail(input.email);
  const system: AuditActor = { kind: 'system', requestId: input.requestId, ip: input.ip };
  const attempt = await countLoginAttempt(ctx, { email, ip: input.ip });
  const found = await ctx.db.query<LoginRow>(
    `SELECT id, email, role, password_hash AS "passwordHash", disabled_at IS NOT NULL AS disabled,
            totp_secret_sealed AS "totpSecretSealed", totp_enabled_at IS NOT NULL AS "totpEnabled"
     FROM accounts WHERE email = $1`,
    [email],
  );
  const account = found.rows[0];
  const target = account ? { type: 'account', id: account.id } : undefined;

  if (attempt.retryAfterSeconds !== undefined) {
    await recordAudit({ ctx, input: { actor: system, action: 'session.login_throttled', target } });
    throw new DomainError('RATE_LIMIT_EXCEEDED', 'too many failed logins; retry later', {
      retry_after_seconds: attempt.retryAfterSeconds,
    });
  }

  const passwordRight = await verifyPassword(account?.passwordHash ?? (await standInHash()), input.password);
  const refusal = !account
    ? 'unknown_email'
    : !account.passwordHash || !passwordRight
      ? 'wrong_password'
      : account.disabled
        ? 'disabled'
        : undefined;
  if (!account || refusal) {
    await recordAudit({
      ctx,
      input: { actor: system, action: 'session.login_failed', target, after: { reason: refusal } },
    });
    throw new DomainError('UNAUTHORIZED', LOGIN_REFUSED);
  }

  if (account.totpEnabled && input.totpCode === undefined && input.recoveryCode === undefined) {
    // The first step of a two-step login is no failed guess.
    await refundLoginAttempt(ctx, attempt);
    throw secondFactorNeeded();
  }
  const loggedIn = await withTransaction(ctx, (tx) => openSession(tx, input, account));
  if (!loggedIn) {
    await recordAudit({
      ctx,
      input: { actor: system, action: 'session.login_failed', target, after: { reason: 'second_factor' } },
    });
    throw secondFactorNeeded();
  }
  await clearLoginFailures(ctx, attempt);
  return loggedIn;
}

function secondFactorNeeded() {
  return new DomainError('UNAUTHORIZED', 'a second factor is needed: send totp_code or recovery_code', {
    mfa_required: true,
  });
}

async function openSession(
  tx: AccountsContext,
  input: LogInInput,
  account: LoginRow,
): Promise<LoggedIn | undefined> {
  let method = 'password';
  if (account.totpEnabled) {
    const factor = await checkSecondFactor({
      ctx: tx,
      input: {
        accountId: account.id,
        secretSealed: account.totpSecretSealed!,
        totpCode: input.totpCode,
        recoveryCode: input.recoveryCode,
      },
    });
    if (!factor) return undefined;
    method = `password+${factor}`;
  }
  const replaced = input.previousToken
    ? await revokeSessionToken({ ctx: tx, input: { token: input.previousToken } })
    : false;
  const session = await createSession({
    ctx: tx,
    input: { accountId: account.id, ip: input.ip, userAgent: input.userAgent },
  });
  await recordAudit({
    ctx: tx,
    input: {
      actor: { kind: 'account', accountId: account.id, requestId: input.requestId, ip: input.ip },
      action: 'session.login',
      target: { type: 'session', id: session.id },
      after: { method, replaced_session: replaced },
    },
  });
  return { account: { id: account.id, email: account.email, role: account.role }, session };
}
