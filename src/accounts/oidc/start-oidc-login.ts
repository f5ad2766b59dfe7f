import * as client from 'openid-client';
import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/errors.ts';
import { seal } from '../../platform/secret-box.ts';
import { oidcConfiguration, oidcRedirectUri } from './oidc-client.ts';

/** What the browser carries between the redirect to the provider and the callback, sealed. */
export interface OidcFlow {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  expiresAt: number;
}

export const OIDC_FLOW_SECONDS = 600;

/** Only paths on this site: an open redirect would let a link send a signed-in user anywhere. */
export function safeReturnTo(value: string | undefined): string {
  return value && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) && value.length <= 512 ? value : '/';
}

/**
 * Begins sign-in with the configured provider: the authorization URL (code flow with PKCE, state and
 * nonce) and the sealed flow the browser keeps in a short-lived cookie, so any node can finish it.
 */
export async function startOidcLogin({
  ctx,
  input,
}: {
  ctx: { config: Config; clock: Clock; secret: string };
  input: { returnTo?: string | undefined };
}): Promise<{ url: string; flow: string }> {
  const settings = ctx.config.oidc;
  if (!settings) throw new DomainError('NOT_FOUND', 'sign-in with an identity provider is not configured');
  const configuration = await oidcConfiguration(settings).catch(() => {
    throw new DomainError('SERVICE_UNAVAILABLE', 'the identity provider cannot be reached');
  });
  const flow: OidcFlow = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    verifier: client.randomPKCECodeVerifier(),
    returnTo: safeReturnTo(input.returnTo),
    expiresAt: ctx.clock.now().getTime() + OIDC_FLOW_SECONDS * 1000,
  };
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: oidcRedirectUri(ctx.config),
    scope: 'openid email profile',
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: 'S256',
  });
  return { url: url.href, flow: seal(ctx.secret, JSON.stringify(flow)) };
}
