/**
 * The messages sign-up and password reset send. Links point at the web app's pages, which post the token
 * back to /api; the token rides in the query string, which logs redact and no page forwards (the
 * security headers send no referrer).
 */
import type { MailMessage } from '../../mail/mailer.ts';

export function verificationMail(publicUrl: string, to: string, token: string): MailMessage {
  return {
    to,
    subject: 'Confirm your numpool address',
    text: [
      'Welcome to numpool.',
      '',
      'Confirm that this address is yours by opening this link:',
      '',
      `${publicUrl}/verify-email?token=${token}`,
      '',
      'The link works once, for 24 hours.',
      'If you did not just sign up, ignore this mail:',
      'without the link the sign-up goes no further.',
    ].join('\n'),
  };
}

export function alreadyRegisteredMail(publicUrl: string, to: string): MailMessage {
  return {
    to,
    subject: 'Someone tried to sign up with your numpool address',
    text: [
      'Someone just tried to sign up for numpool with this address,',
      'which already has an account.',
      '',
      'If it was you, sign in instead. If you forgot your password,',
      'ask for a new one here:',
      '',
      `${publicUrl}/reset-password`,
      '',
      'If it was not you, there is nothing to do: your account is unchanged.',
    ].join('\n'),
  };
}

/**
 * A fresh link for an address not confirmed yet: it confirms the address by choosing the password (the
 * reset page), so whoever reads this mailbox decides the password and closes what any earlier one
 * opened — never a password someone else chose at a sign-up.
 */
export function confirmAddressMail(publicUrl: string, to: string, token: string): MailMessage {
  return {
    to,
    subject: 'Confirm your numpool address',
    text: [
      'Someone asked for a new link to confirm this address for numpool.',
      'To confirm it, open this link and choose your password:',
      '',
      `${publicUrl}/reset-password?token=${token}`,
      '',
      'The link works once, for one hour; asking again makes earlier',
      'links stop working. Choosing the password signs the account out everywhere.',
      'If you did not ask, ignore this mail: without the link nothing changes.',
    ].join('\n'),
  };
}

export function passwordResetMail(publicUrl: string, to: string, token: string): MailMessage {
  return {
    to,
    subject: 'Reset your numpool password',
    text: [
      'Someone asked to reset the password of the numpool account',
      'with this address. To choose a new password, open this link:',
      '',
      `${publicUrl}/reset-password?token=${token}`,
      '',
      'The link works once, for one hour; asking again makes earlier',
      'links stop working. A new password signs the account out everywhere.',
      'If you did not ask, ignore this mail: your password is unchanged.',
    ].join('\n'),
  };
}
