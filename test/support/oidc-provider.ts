/**
 * A real OpenID Connect provider on loopback (oidc-provider), for sign-in tests. Its login and consent
 * screens are answered by the test: whoever `signInAs` names logs in and consents at once. A test browser
 * follows the provider's redirects with a cookie jar of its own until it is sent back to numpool.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { cleanupAfterFile } from './test-database.ts';

export interface TestUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who signs in at the provider's next login screen. */
  signInAs(user: TestUser): void;
  /** Follows redirects from an authorization URL until one leads outside the provider; returns it. */
  authorize(url: string): Promise<URL>;
}

export async function startOidcProvider(options: { redirectUri: string }): Promise<TestOidcProvider> {
  const users = new Map<string, TestUser>();
  let next: TestUser | undefined;
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // numpool caches a provider's discovered metadata per issuer and client for the life of the process, which
  // outlives a test file; a later file's provider may get the same port.
  const clientId = `numpool-test-${randomBytes(4).toString('hex')}`;
  const clientSecret = 'a-client-secret-for-tests-only';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-cookie-key'] },
    findAccount: (_ctx, sub) => {
      const user = users.get(sub);
      return user ? { accountId: sub, claims: () => ({ ...user }) } : undefined;
    },
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return callback(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        if (!next) throw new Error('signInAs() was not called before the login screen');
        users.set(next.sub, next);
        await provider.interactionFinished(req, res, { login: { accountId: next.sub } });
        return;
      }
      const grant = new provider.Grant({
        accountId: String(details.session?.accountId),
        clientId: String(details.params.client_id),
      });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  cleanupAfterFile(() => new Promise<void>((resolve) => server.close(() => resolve())));

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs: (user) => {
      next = user;
    },
    authorize: async (start) => {
      const jar = new Map<string, string>();
      let url = new URL(start);
      for (let hop = 0; hop < 20; hop++) {
        if (url.origin !== issuer) return url;
        const response = await fetch(url, {
          redirect: 'manual',
          headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
        });
        for (const line of response.headers.getSetCookie()) {
          const [pair] = line.split(';');
          const at = pair!.indexOf('=');
          jar.set(pair!.slice(0, at), pair!.slice(at + 1));
        }
        const location = response.headers.get('location');
        if (!location) throw new Error(`provider answered ${response.status}: ${await response.text()}`);
        url = new URL(location, url);
      }
      throw new Error('too many redirects at the provider');
    },
  };
}
