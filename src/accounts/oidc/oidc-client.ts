/**
 * The OpenID Connect relying party (openid-client): the provider's metadata, discovered once per process
 * and retried on the next sign-in if discovery failed. Plain-http issuers are accepted only on loopback
 * hosts, for development and tests.
 */
import * as client from 'openid-client';
import type { Config } from '../../config.ts';
import { isLoopbackUrl } from '../../platform/loopback.ts';

export type OidcSettings = NonNullable<Config['oidc']>;

const configurations = new Map<string, Promise<client.Configuration>>();

export function oidcConfiguration(settings: OidcSettings): Promise<client.Configuration> {
  const cacheKey = `${settings.issuer}\n${settings.clientId}`;
  let configuration = configurations.get(cacheKey);
  if (!configuration) {
    const issuer = new URL(settings.issuer);
    configuration = client.discovery(
      issuer,
      settings.clientId,
      undefined,
      client.ClientSecretBasic(settings.clientSecret),
      {
        execute: issuer.protocol === 'http:' && isLoopbackUrl(issuer) ? [client.allowInsecureRequests] : [],
        timeout: 10,
      },
    );
    configuration.catch(() => configurations.delete(cacheKey));
    configurations.set(cacheKey, configuration);
  }
  return configuration;
}

export function oidcRedirectUri(config: Pick<Config, 'publicUrl'>): string {
  return `${config.publicUrl}/api/oidc/callback`;
}
