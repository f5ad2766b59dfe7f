import { adminEn } from './areas/admin.en.ts';
import { authEn } from './areas/auth.en.ts';
import { billingEn } from './areas/billing.en.ts';
import { ordersEn } from './areas/orders.en.ts';

/**
 * English: the reference catalog. Every visible string of the web app is a key here: the shared ones
 * below, each area's in areas/ (its Russian twin must have the same keys).
 */
export const en = {
  ...authEn,
  ...ordersEn,
  ...billingEn,
  ...adminEn,
  'site.name': 'numpool',
  'site.tagline': 'Temporary numbers for SMS verification',
  'nav.label': 'Main',
  'nav.home': 'Prices',
  'nav.docs': 'API docs',
  'nav.handlerGuide': 'Handler API guide',
  'lang.label': 'Language',
  'skip.toMain': 'Skip to content',
  'footer.text': 'numpool is open-source software. You pay only when an SMS arrives.',
  'footer.docs': 'API reference',

  'home.title': 'SMS verification numbers',
  'home.lead':
    'Pick a service and a country, rent a number, receive the code. If no SMS arrives, the order costs nothing.',
  'status.label': 'Provider status',
  'status.up': 'All providers are up',
  'status.degraded': 'Some providers are degraded; orders still route to the others',
  'status.down': 'No provider can take orders right now',

  'explorer.title': 'Prices',
  'explorer.service': 'Service',
  'explorer.servicePlaceholder': 'WhatsApp, Telegram…',
  'explorer.country': 'Country',
  'explorer.countryPlaceholder': 'Indonesia, ID or +62',
  'explorer.search': 'Search',
  'explorer.reset': 'Clear',
  'explorer.summary': 'Showing {shown} of {total} offers, cheapest first.',
  'explorer.empty': 'No offer matches this search. Try another service or country.',
  'explorer.caption': 'Offers by service and country',
  'explorer.col.service': 'Service',
  'explorer.col.country': 'Country',
  'explorer.col.price': 'Price',
  'explorer.col.stock': 'In stock',
  'explorer.col.success': 'Success rate',
  'explorer.col.time': 'Median time to code',
  'explorer.unknown': 'no data yet',
  'explorer.statsNote': 'Success rate and time to code come from recent orders (last 100 orders, 7 days).',

  'links.title': 'For developers',
  'links.docs': 'Interactive API documentation (SMSCode /v1 and /v2)',
  'links.handler': 'Moving from SMS-Activate? Change the host and keep your code',

  'guide.title': 'Handler API: change the host',
  'guide.lead':
    'numpool speaks the SMS-Activate handler protocol. Bots and tools that use it work after one change: the base URL.',
  'guide.step1': 'Replace the base URL your client calls with:',
  'guide.step2': 'Keep the same parameters: api_key, action, service, country and id.',
  'guide.step3': 'Use your numpool API key as api_key. Balance and prices are in USD.',
  'guide.example': 'Example request',
  'guide.more': 'The SMSCode REST API (/v1 in IDR, /v2 in USD) is described in the API docs.',

  'notFound.title': 'Page not found',
  'notFound.text': 'There is no page at this address.',
  'notFound.home': 'Back to prices',

  'unavailable.title': 'Briefly unavailable',
  'unavailable.text':
    'numpool cannot serve this page for a moment. Nothing is lost: try again in a few seconds.',
  'unavailable.retry': 'Try again',
  'fault.title': 'Something went wrong',
  'fault.text': 'This page could not be shown because of an error on our side.',
  'fault.requestId': 'If you contact support, give this request id: {id}',

  'nav.account': 'Account',
  'nav.signedInAs': 'Signed in as {email}',
  'nav.login': 'Log in',
  'nav.signup': 'Sign up',
  'nav.logout': 'Log out',
  'nav.buy': 'Buy a number',
  'nav.orders': 'Orders',
  'nav.topup': 'Top up',
  'nav.balance': 'Balance',
  'nav.keys': 'API keys',
  'nav.webhooks': 'Webhooks',
  'nav.admin': 'Admin',
  'nav.customer': 'Your account',

  'form.submit': 'Submit',
  'form.required': 'required',
  'form.errorTitle': 'That did not work',
  'state.loading': 'Loading…',
  'state.empty': 'Nothing here yet.',
  'state.refresh': 'Refresh',
  'forbidden.title': 'Not allowed',
  'forbidden.text': 'Your account may not open this page.',

  'sandbox.label': 'Sandbox accounts',
  'sandbox.title': 'Sandbox.',
  'sandbox.customer': 'Sign in as the demo customer:',
  'sandbox.admin': 'The operator account is {email}; its password is in the terminal and in {file}.',

  'error.VALIDATION_ERROR': 'Some fields are not valid: {message}',
  'error.UNAUTHORIZED': 'Please log in again.',
  'error.FORBIDDEN': 'Your account may not do this.',
  'error.NOT_FOUND': 'It does not exist, or it is not yours.',
  'error.CONFLICT': 'This conflicts with the current state: {message}',
  'error.INSUFFICIENT_BALANCE': 'Your balance is too low for this. Top up first.',
  'error.PROVIDER_ERROR': 'The number provider failed. Nothing was charged; try again.',
  'error.NO_OFFER_AVAILABLE':
    'No numbers are available for this choice right now. Try another country or operator.',
  'error.IDEMPOTENCY_KEY_REUSED':
    'This form was already sent with other values. Reload the page and try again.',
  'error.CANCEL_TOO_EARLY': 'This order cannot be cancelled yet: {message}',
  'error.REQUEST_IN_PROGRESS': 'This is still being processed. Wait a moment.',
  'error.TEMP_BANNED_ABUSE_GUARD': 'Ordering is paused for your account after many unused numbers: {message}',
  'error.FX_RATE_UNAVAILABLE': 'The exchange rate is not available right now. Try again shortly.',
  'error.RATE_LIMIT_EXCEEDED': 'Too many requests. Wait a moment and try again.',
  'error.other': '{message}',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
