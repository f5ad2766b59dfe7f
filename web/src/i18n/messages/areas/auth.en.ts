/** English strings of the sign-up, log-in and account-security pages. */
export const authEn = {
  'auth.email': 'E-mail',
  'auth.password': 'Password',
  'auth.login.title': 'Log in',
  'auth.login.submit': 'Log in',
  'auth.login.mfa': 'Your password was right. Enter the code from your authenticator app to finish.',
  'auth.login.totp': 'Authenticator code',
  'auth.login.recovery': 'Or a recovery code',
  'auth.login.recoveryHint': 'Lost your phone? Use one of your recovery codes instead.',
  'auth.login.forgot': 'Forgot your password?',
} as const;
