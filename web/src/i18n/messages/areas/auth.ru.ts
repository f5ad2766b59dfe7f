import type { authEn } from './auth.en.ts';

/** Russian strings of the sign-up, log-in and account-security pages. */
export const authRu: Record<keyof typeof authEn, string> = {
  'auth.email': 'E-mail',
  'auth.password': 'Пароль',
  'auth.newPassword': 'Новый пароль',
  'auth.repeatPassword': 'Повторите пароль',
  'auth.passwordHint': 'Не меньше 8 символов. Лучше всего — длинная фраза.',
  'auth.passwordsDiffer': 'Пароли не совпадают.',

  'auth.login.title': 'Вход',
  'auth.login.submit': 'Войти',
  'auth.login.mfa': 'Пароль верный. Введите код из приложения-аутентификатора.',
  'auth.login.totp': 'Код аутентификатора',
  'auth.login.recovery': 'Или код восстановления',
  'auth.login.recoveryHint': 'Потеряли телефон? Введите один из кодов восстановления.',
  'auth.login.forgot': 'Забыли пароль?',

  'auth.signup.title': 'Регистрация',
  'auth.signup.lead': 'Укажите свой e-mail. Мы пришлём ссылку, чтобы подтвердить, что адрес ваш.',
  'auth.signup.submit': 'Зарегистрироваться',
  'auth.signup.haveAccount': 'Уже есть аккаунт?',
  'auth.signup.sentTitle': 'Проверьте почту',
  'auth.signup.sentText':
    'Мы отправили письмо на указанный адрес. Откройте ссылку из него, чтобы подтвердить адрес: она действует один раз в течение 24 часов.',
  'auth.signup.resendTitle': 'Письма нет?',
  'auth.signup.resendText': 'Сначала загляните в папку «Спам» — или попросите прислать новую ссылку.',

  'auth.verify.title': 'Подтверждение e-mail',
  'auth.verify.lead': 'Нажмите кнопку, чтобы подтвердить, что этот адрес ваш.',
  'auth.verify.submit': 'Подтвердить адрес',
  'auth.verify.doneTitle': 'Адрес подтверждён',
  'auth.verify.doneText': 'Ваш e-mail подтверждён. Войдите с паролем, выбранным при регистрации.',
  'auth.verify.invalid':
    'Ссылка не работает: ею или другой ссылкой для этого адреса уже воспользовались, или истёк её срок (ссылка действует 24 часа).',
  'auth.verify.missing': 'Ссылка неполная. Откройте ссылку из письма целиком.',
  'auth.verify.newLink': 'Ссылка перестаёт работать после использования и через 24 часа.',

  'auth.resend.title': 'Повторная отправка ссылки',
  'auth.resend.lead':
    'Введите адрес, с которым вы регистрировались. Если он ещё не подтверждён, мы пришлём ссылку: откройте её и выберите пароль — это подтвердит адрес.',
  'auth.resend.submit': 'Прислать новую ссылку',
  'auth.resend.sent':
    'Если аккаунт с этим адресом ждёт подтверждения, ссылка уже в пути. Она действует один раз в течение часа.',
  'auth.resend.link': 'Прислать ссылку ещё раз',

  'auth.reset.title': 'Сброс пароля',
  'auth.reset.lead': 'Укажите e-mail вашего аккаунта. Мы пришлём ссылку, чтобы выбрать новый пароль.',
  'auth.reset.submit': 'Отправить ссылку',
  'auth.reset.sent':
    'Если этот адрес принадлежит аккаунту, ссылка для нового пароля уже в пути. Она действует один раз в течение часа.',
  'auth.resetConfirm.title': 'Новый пароль',
  'auth.resetConfirm.lead': 'Новый пароль завершает все сеансы аккаунта на всех устройствах.',
  'auth.resetConfirm.submit': 'Сохранить новый пароль',
  'auth.resetConfirm.done': 'Пароль изменён. Войдите с новым паролем.',
  'auth.resetConfirm.newLink': 'Запросить новую ссылку',

  'auth.account.title': 'Аккаунт',
  'auth.account.email': 'E-mail',
  'auth.account.verified': 'подтверждён',
  'auth.account.unverified': 'ещё не подтверждён',
  'auth.account.unverifiedHint': 'Откройте ссылку из письма, которое мы отправили на этот адрес.',

  'auth.changePassword.title': 'Смена пароля',
  'auth.changePassword.current': 'Текущий пароль',
  'auth.changePassword.hint': 'После смены пароля другие устройства выйдут из аккаунта.',
  'auth.changePassword.submit': 'Сменить пароль',
  'auth.changePassword.done': 'Пароль изменён. Другие устройства вышли из аккаунта.',

  'auth.twoFactor.title': 'Двухфакторный вход',
  'auth.twoFactor.on': 'Включён: при входе нужен код из приложения-аутентификатора.',
  'auth.twoFactor.off': 'Выключен: для входа достаточно пароля.',
  'auth.twoFactor.setUp': 'Настроить двухфакторный вход',
  'auth.twoFactor.scan': 'Отсканируйте QR-код приложением-аутентификатором или введите в него ключ.',
  'auth.twoFactor.qrLabel': 'QR-код с ключом для приложения-аутентификатора',
  'auth.twoFactor.key': 'Ключ',
  'auth.twoFactor.code': 'Код из приложения',
  'auth.twoFactor.codeHint': 'Шесть цифр; приложение показывает новый код каждые 30 секунд.',
  'auth.twoFactor.enable': 'Включить',
  'auth.twoFactor.cancel': 'Не сейчас',
  'auth.twoFactor.enabled': 'Двухфакторный вход включён. Другие устройства вышли из аккаунта.',
  'auth.twoFactor.recoveryTitle': 'Коды восстановления',
  'auth.twoFactor.recoveryText':
    'Каждый код один раз заменяет код из приложения, если вы потеряете телефон. Сохраните их сейчас в надёжном месте: они показываются только один раз.',
  'auth.twoFactor.recoveryDone': 'Я их сохранил',
  'auth.twoFactor.disableHint': 'Чтобы выключить, нужны пароль и текущий код или код восстановления.',
  'auth.twoFactor.codeOrRecovery': 'Код из приложения или код восстановления',
  'auth.twoFactor.disable': 'Выключить',
  'auth.twoFactor.disabled': 'Двухфакторный вход выключен.',

  'auth.sessions.title': 'Устройства со входом',
  'auth.sessions.timeZone': 'Время указано в UTC.',
  'auth.sessions.address': 'Адрес',
  'auth.sessions.started': 'Вход',
  'auth.sessions.lastSeen': 'Активность',
  'auth.sessions.current': 'это устройство',
  'auth.sessions.unknown': 'неизвестно',
  'auth.sessions.revoke': 'Выйти',
  'auth.sessions.revokeWhich': 'на устройстве со входом {time}',
  'auth.sessions.revoked': 'Устройство вышло из аккаунта.',
  'auth.sessions.everywhere': 'Выйти везде',
  'auth.sessions.everywhereHint': 'Завершает все сеансы, включая этот.',
};
