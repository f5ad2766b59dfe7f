import { adminRu } from './areas/admin.ru.ts';
import { authRu } from './areas/auth.ru.ts';
import { billingRu } from './areas/billing.ru.ts';
import { ordersRu } from './areas/orders.ru.ts';
import type { Messages } from './en.ts';

export const ru: Messages = {
  ...authRu,
  ...ordersRu,
  ...billingRu,
  ...adminRu,
  'site.name': 'numpool',
  'site.tagline': 'Временные номера для SMS-подтверждений',
  'nav.label': 'Основная навигация',
  'nav.home': 'Цены',
  'nav.docs': 'Документация API',
  'nav.handlerGuide': 'Handler API',
  'lang.label': 'Язык',
  'skip.toMain': 'Перейти к содержимому',
  'footer.text': 'numpool — открытое программное обеспечение. Вы платите, только если пришло SMS.',
  'footer.docs': 'Справочник API',

  'home.title': 'Номера для SMS-подтверждений',
  'home.lead':
    'Выберите сервис и страну, арендуйте номер и получите код. Если SMS не пришло, заказ ничего не стоит.',
  'status.label': 'Состояние поставщиков',
  'status.up': 'Все поставщики работают',
  'status.degraded': 'Часть поставщиков работает с перебоями; заказы идут к остальным',
  'status.down': 'Сейчас ни один поставщик не принимает заказы',

  'explorer.title': 'Цены',
  'explorer.service': 'Сервис',
  'explorer.servicePlaceholder': 'WhatsApp, Telegram…',
  'explorer.country': 'Страна',
  'explorer.countryPlaceholder': 'Indonesia, ID или +62',
  'explorer.search': 'Найти',
  'explorer.reset': 'Сбросить',
  'explorer.summary': 'Показано {shown} из {total} предложений, сначала дешёвые.',
  'explorer.empty': 'Ничего не найдено. Попробуйте другой сервис или страну.',
  'explorer.caption': 'Предложения по сервисам и странам',
  'explorer.col.service': 'Сервис',
  'explorer.col.country': 'Страна',
  'explorer.col.price': 'Цена',
  'explorer.col.stock': 'В наличии',
  'explorer.col.success': 'Доля успешных',
  'explorer.col.time': 'Медианное время до кода',
  'explorer.unknown': 'нет данных',
  'explorer.statsNote':
    'Доля успешных и время до кода — по недавним заказам (последние 100 заказов, 7 дней).',

  'links.title': 'Разработчикам',
  'links.docs': 'Интерактивная документация API (SMSCode /v1 и /v2)',
  'links.handler': 'Переходите с SMS-Activate? Смените адрес — код менять не нужно',

  'guide.title': 'Handler API: смените адрес',
  'guide.lead':
    'numpool поддерживает протокол handler API SMS-Activate. Боты и программы, которые его используют, заработают после одной замены — базового адреса.',
  'guide.step1': 'Замените базовый адрес, к которому обращается ваш клиент, на:',
  'guide.step2': 'Параметры остаются прежними: api_key, action, service, country и id.',
  'guide.step3': 'В api_key укажите свой API-ключ numpool. Баланс и цены — в долларах США.',
  'guide.example': 'Пример запроса',
  'guide.more': 'REST API SMSCode (/v1 в рупиях, /v2 в долларах) описан в документации API.',

  'notFound.title': 'Страница не найдена',
  'notFound.text': 'По этому адресу страницы нет.',
  'notFound.home': 'К ценам',

  'unavailable.title': 'Сервис ненадолго недоступен',
  'unavailable.text':
    'numpool не может показать эту страницу прямо сейчас. Ничего не потеряно: попробуйте снова через несколько секунд.',
  'unavailable.retry': 'Попробовать снова',
  'fault.title': 'Что-то пошло не так',
  'fault.text': 'Страницу не удалось показать из-за ошибки на нашей стороне.',
  'fault.requestId': 'Если вы обратитесь в поддержку, назовите номер запроса: {id}',

  'nav.account': 'Аккаунт',
  'nav.signedInAs': 'Вы вошли как {email}',
  'nav.login': 'Войти',
  'nav.signup': 'Регистрация',
  'nav.logout': 'Выйти',
  'nav.buy': 'Купить номер',
  'nav.orders': 'Заказы',
  'nav.topup': 'Пополнить',
  'nav.balance': 'Баланс',
  'nav.keys': 'API-ключи',
  'nav.webhooks': 'Вебхуки',
  'nav.admin': 'Админка',
  'nav.customer': 'Ваш аккаунт',

  'form.submit': 'Отправить',
  'form.required': 'обязательно',
  'form.errorTitle': 'Не получилось',
  'state.loading': 'Загрузка…',
  'state.empty': 'Здесь пока пусто.',
  'state.refresh': 'Обновить',
  'forbidden.title': 'Нет доступа',
  'forbidden.text': 'Вашему аккаунту эта страница недоступна.',

  'sandbox.label': 'Демо-аккаунты',
  'sandbox.title': 'Песочница.',
  'sandbox.customer': 'Войдите как демо-клиент:',
  'sandbox.admin': 'Аккаунт оператора — {email}; его пароль в терминале и в {file}.',

  'error.VALIDATION_ERROR': 'Некоторые поля заполнены неверно: {message}',
  'error.UNAUTHORIZED': 'Войдите снова.',
  'error.FORBIDDEN': 'Вашему аккаунту это недоступно.',
  'error.NOT_FOUND': 'Такого нет, или это не ваше.',
  'error.CONFLICT': 'Это противоречит текущему состоянию: {message}',
  'error.INSUFFICIENT_BALANCE': 'Недостаточно средств. Сначала пополните баланс.',
  'error.PROVIDER_ERROR': 'Поставщик номеров не ответил. Ничего не списано; попробуйте снова.',
  'error.NO_OFFER_AVAILABLE': 'Сейчас нет номеров для этого выбора. Попробуйте другую страну или оператора.',
  'error.IDEMPOTENCY_KEY_REUSED':
    'Эта форма уже отправлена с другими данными. Обновите страницу и повторите.',
  'error.CANCEL_TOO_EARLY': 'Этот заказ пока нельзя отменить: {message}',
  'error.REQUEST_IN_PROGRESS': 'Запрос ещё обрабатывается. Подождите немного.',
  'error.TEMP_BANNED_ABUSE_GUARD':
    'Заказы приостановлены из-за большого числа неиспользованных номеров: {message}',
  'error.FX_RATE_UNAVAILABLE': 'Курс валют сейчас недоступен. Попробуйте чуть позже.',
  'error.RATE_LIMIT_EXCEEDED': 'Слишком много запросов. Подождите и попробуйте снова.',
  'error.other': '{message}',
};
