import type { authEn } from './auth.en.ts';

/** Russian strings of the sign-up, log-in and account-security pages. */
export const authRu: Record<keyof typeof authEn, string> = {
  'auth.email': 'E-mail',
  'auth.password': 'Пароль',
  'auth.login.title': 'Вход',
  'auth.login.submit': 'Войти',
  'auth.login.mfa': 'Пароль верный. Введите код из приложения-аутентификатора.',
  'auth.login.totp': 'Код аутентификатора',
  'auth.login.recovery': 'Или код восстановления',
  'auth.login.recoveryHint': 'Потеряли телефон? Введите один из кодов восстановления.',
  'auth.login.forgot': 'Забыли пароль?',
};
