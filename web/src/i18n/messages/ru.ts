import type { Messages } from './en.ts';

export const ru: Messages = {
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
};
