import * as client from 'openid-client';
import { recordAudit } from '../../audit/record-audit.ts';
import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import { type DbContext, pgConstraint, withTransaction } from '../../platform/db.ts';
import { DomainError, isDomainError } from '../../platform/errors.ts';
import { open } from '../../platform/secret-box.ts';
import { createSession, type NewSession } from '../sessions/create-session.ts';
import { revokeSessionToken } from '../sessions/revoke-sessions.ts';
import { oidcConfiguration } from './oidc-client.ts';
import { oidcIdentityAccount } from './oidc-identity-account.ts';
import type { OidcFlow } from './start-oidc-login.ts';

function readFlow(secret: string, sealed: string | undefined, now: number): OidcFlow {
  try {
    const flow = JSON.parse(open(secret, sealed ?? '')) as OidcFlow;
    if (typeof flow.state === 'string' && typeof flow.nonce === 'string' && flow.expiresAt > now) return flow;
  } catch {
    // A missing, tampered or foreign cookie: the same answer as an expired one.
  }
  throw new DomainError('UNAUTHORIZED', 'the sign-in has expired or was not started here; start again');
}

/**
 * Finishes sign-in at the provider's redirect: checks state, PKCE and nonce and exchanges the code
 * (openid-client), then opens a session for the identity's account. Every provider-side refusal is an
 * UNAUTHORIZED answer; a provider that cannot be reached is SERVICE_UNAVAILABLE.
 */
export async function completeOidcLogin({
  ctx,
  input,
}: {
  ctx: DbContext & { config: Config; clock: Clock; secret: string };
  input: {
    callbackUrl: URL;
    flow: string | undefined;
    /** The session cookie the browser already had, replaced by the new session. */
    previousSessionToken?: string | undefined;
    ip?: string | undefined;
    userAgent?: string | undefined;
    requestId?: string | undefined;
  };
}): Promise<{ session: NewSession; accountId: number; returnTo: string; created: boolean }> {
  const settings = ctx.config.oidc;
  if (!settings) throw new DomainError('NOT_FOUND', 'sign-in with an identity provider is not configured');
  const flow = readFlow(ctx.secret, input.flow, ctx.clock.now().getTime());
  const configuration = await oidcConfiguration(settings).catch(() => {
    throw new DomainError('SERVICE_UNAVAILABLE', 'the identity provider cannot be reached');
  });
  let claims: (client.IDToken & { email?: unknown; email_verified?: unknown }) | undefined;
  try {
    const tokens = await client.authorizationCodeGrant(configuration, input.callbackUrl, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
    // Some providers put the e-mail only in the userinfo response, not in the ID token.
    if (claims && claims.email === undefined && tokens.access_token)
      claims = { ...claims, ...(await client.fetchUserInfo(configuration, tokens.access_token, claims.sub)) };
  } catch (error) {
    if (error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError)
      throw new DomainError('UNAUTHORIZED', `the identity provider refused the sign-in (${error.error})`);
    if (error instanceof client.ClientError)
      throw new DomainError('UNAUTHORIZED', 'the identity provider’s answer did not check out; start again');
    throw new DomainError('SERVICE_UNAVAILABLE', 'the identity provider cannot be reached');
  }
  if (!claims?.sub) throw new DomainError('UNAUTHORIZED', 'the identity provider sent no subject');
  const identity = {
    issuer: claims.iss,
    subject: claims.sub,
    email: typeof claims.email === 'string' ? claims.email : undefined,
    emailVerified: claims.email_verified === true,
  };
  const signIn = () =>
    withTransaction(ctx, async (tx) => {
      const { accountId, created } = await oidcIdentityAccount({
        ctx: tx,
        input: { ...identity, ip: input.ip, requestId: input.requestId },
      });
      if (input.previousSessionToken)
        await revokeSessionToken({ ctx: tx, input: { token: input.previousSessionToken } });
      const session = await createSession({
        ctx: tx,
        input: { accountId, ip: input.ip, userAgent: input.userAgent },
      });
      await recordAudit({
        ctx: tx,
        input: {
          actor: { kind: 'account', accountId, ip: input.ip, requestId: input.requestId },
          action: 'session.login',
          target: { type: 'session', id: session.id },
          after: { method: 'oidc', issuer: identity.issuer },
        },
      });
      return { session, accountId, returnTo: flow.returnTo, created };
    });
  try {
    return await signIn();
  } catch (error) {
    // Two first sign-ins of one new identity at once: the loser signs in to the account the winner made.
    const lostRace =
      pgConstraint(error) === 'oidc_identities_issuer_subject_key' ||
      (isDomainError(error) && error.code === 'CONFLICT');
    if (lostRace) return signIn();
    throw error;
  }
}
