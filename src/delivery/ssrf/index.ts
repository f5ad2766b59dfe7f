/**
 * SSRF guard for outbound customer webhooks: a URL check for when a webhook URL is set, and a Dispatcher
 * that re-checks the address actually connected to at delivery time.
 */
export { isAllowedAddress, type SsrfPolicy } from './address.ts';
export { createGuardedDispatcher, type GuardedDispatcherOptions } from './dispatcher.ts';
export { UnsafeWebhookUrl } from './unsafe-webhook-url.ts';
export { assertSafeWebhookUrl, type HostResolver, MAX_WEBHOOK_URL_LENGTH } from './url.ts';
