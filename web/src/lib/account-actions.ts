/**
 * What the account page's forms do: each posts an `intent`, carried out through numpool's JSON API as the
 * visitor. The outcome tells the page what to show; the rules (password policy, codes, who owns which
 * session) are the API's.
 */
import type { ApiRefusal, WebLocals } from '../../../src/api/web/web-locals.ts';
import { type Form, field } from './forms.ts';
import { mismatchRefusal, passwordField } from './password-fields.ts';

export type AccountIntent =
  | 'change-password'
  | 'two-factor-setup'
  | 'two-factor-enable'
  | 'two-factor-disable'
  | 'revoke-session'
  | 'logout-everywhere';

/** A set-up waiting for its first code: what the authenticator app needs. */
export interface PendingTwoFactor {
  secret: string;
  otpauthUrl: string;
}

export type AccountOutcome =
  | { kind: 'redirect'; to: string }
  | { kind: 'refused'; intent: AccountIntent; status: number; refusal: ApiRefusal }
  | { kind: 'pending'; pending: PendingTwoFactor; refusal?: ApiRefusal; status?: number }
  | { kind: 'recovery-codes'; codes: string[] }
  | { kind: 'not-found' };

const INTENTS = new Set<string>([
  'change-password',
  'two-factor-setup',
  'two-factor-enable',
  'two-factor-disable',
  'revoke-session',
  'logout-everywhere',
]);

const BASE32 = /^[A-Z2-7]+=*$/;

/**
 * The set-up the enable form carries back, so a mistyped code can be retried against the key the app
 * already holds (the API shows a secret only when it makes one). Used for display alone: the API checks
 * the code against the secret it stored.
 */
function carriedSetup(form: Form): PendingTwoFactor | undefined {
  const secret = field(form, 'secret');
  const otpauthUrl = field(form, 'otpauth_url');
  return BASE32.test(secret) && otpauthUrl.startsWith('otpauth://totp/') ? { secret, otpauthUrl } : undefined;
}

export async function runAccountAction(
  numpool: WebLocals,
  form: NonNullable<Form>,
  messages: { passwordsDiffer: string },
): Promise<AccountOutcome | undefined> {
  const intent = field(form, 'intent');
  if (!INTENTS.has(intent)) return undefined;
  const refused = (answer: { status: number; error: ApiRefusal }): AccountOutcome => ({
    kind: 'refused',
    intent: intent as AccountIntent,
    status: answer.status,
    refusal: answer.error,
  });

  switch (intent as AccountIntent) {
    case 'change-password': {
      const mismatch = mismatchRefusal(form, 'new_password', 'repeat_password', messages.passwordsDiffer);
      if (mismatch) return refused({ status: 422, error: mismatch });
      const answer = await numpool.api('POST', '/api/password', {
        body: {
          current_password: passwordField(form, 'current_password'),
          new_password: passwordField(form, 'new_password'),
        },
      });
      return answer.ok ? { kind: 'redirect', to: '/account?done=password' } : refused(answer);
    }
    case 'two-factor-setup': {
      const answer = await numpool.api<{ secret: string; otpauth_url: string }>('POST', '/api/2fa/setup');
      if (!answer.ok) return refused(answer);
      return {
        kind: 'pending',
        pending: { secret: answer.data.secret, otpauthUrl: answer.data.otpauth_url },
      };
    }
    case 'two-factor-enable': {
      const answer = await numpool.api<{ recovery_codes: string[] }>('POST', '/api/2fa/enable', {
        body: { code: field(form, 'code') },
      });
      if (answer.ok) return { kind: 'recovery-codes', codes: answer.data.recovery_codes };
      const pending = carriedSetup(form);
      // A wrong code keeps the set-up open; anything else (already on, no set-up) is said plainly.
      if (pending && answer.status === 422)
        return { kind: 'pending', pending, refusal: answer.error, status: answer.status };
      return refused(answer);
    }
    case 'two-factor-disable': {
      const answer = await numpool.api('POST', '/api/2fa/disable', {
        body: { password: passwordField(form, 'password'), code: field(form, 'code') },
      });
      return answer.ok ? { kind: 'redirect', to: '/account?done=two-factor-off' } : refused(answer);
    }
    case 'revoke-session': {
      const answer = await numpool.api(
        'DELETE',
        `/api/sessions/${encodeURIComponent(field(form, 'session'))}`,
      );
      if (answer.status === 404) return { kind: 'not-found' };
      if (!answer.ok) return refused(answer);
      // Ending this browser's own session signs it out (the API cleared its cookie).
      return { kind: 'redirect', to: field(form, 'current') === '1' ? '/login' : '/account?done=session' };
    }
    case 'logout-everywhere': {
      const answer = await numpool.api('POST', '/api/logout-everywhere');
      return answer.ok ? { kind: 'redirect', to: '/login' } : refused(answer);
    }
  }
}
