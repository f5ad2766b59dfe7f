/**
 * The Duitku adapter (API v2, specs/payments.md §2). Stateless: each call is one signed HTTP request.
 * Credentials live in private fields so they never show in logs, inspection or JSON of the adapter.
 */
import {
  type CreatedPayment,
  type CreatePaymentInput,
  type GatewayConfig,
  GatewayError,
  type IncomingNotification,
  type NotificationAnswer,
  NotificationRejected,
  type PaymentGateway,
  type PaymentStatus,
  type VerifiedNotification,
} from '../gateway-port.ts';
import { createDuitkuPayment } from './create-duitku-payment.ts';
import type { DuitkuKeys } from './duitku-signature.ts';
import { fetchDuitkuStatus } from './fetch-duitku-status.ts';
import { type DuitkuPaymentMethod, listDuitkuPaymentMethods } from './list-duitku-payment-methods.ts';
import { verifyDuitkuCallback } from './verify-duitku-callback.ts';

const TEXT = 'text/plain; charset=utf-8';

export class DuitkuGateway implements PaymentGateway {
  readonly code = 'duitku' as const;
  readonly #keys: DuitkuKeys;
  readonly #http: { baseUrl: string; timeoutMs: number };

  constructor(config: GatewayConfig) {
    const { merchantCode, apiKey } = config.credentials;
    if (config.code !== 'duitku' || !merchantCode || !apiKey)
      throw new GatewayError('Duitku: configuration needs merchantCode and apiKey', { retryable: false });
    this.#keys = { merchantCode, apiKey };
    this.#http = { baseUrl: config.baseUrl, timeoutMs: config.timeoutMs };
  }

  createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
    return createDuitkuPayment({ keys: this.#keys, http: this.#http, input });
  }

  fetchStatus(payment: { gatewayPaymentId: string; topupId: string }): Promise<PaymentStatus> {
    return fetchDuitkuStatus({ keys: this.#keys, http: this.#http, payment });
  }

  verifyNotification(notification: IncomingNotification): VerifiedNotification {
    return verifyDuitkuCallback(this.#keys, notification);
  }

  /** Not in the port: the methods and fees Duitku offers this project for an amount (integer IDR). */
  listPaymentMethods(amount: string, now?: Date): Promise<DuitkuPaymentMethod[]> {
    return listDuitkuPaymentMethods({ keys: this.#keys, http: this.#http, amount, now });
  }

  answer(outcome: 'accepted' | NotificationRejected): NotificationAnswer {
    if (outcome === 'accepted') return { status: 200, contentType: TEXT, body: 'OK' };
    if (!(outcome instanceof NotificationRejected))
      return { status: 400, contentType: TEXT, body: 'rejected' };
    return { status: outcome.status, contentType: TEXT, body: outcome.reason };
  }

  toJSON(): Record<string, string> {
    return { code: this.code, baseUrl: this.#http.baseUrl };
  }
}

export function createDuitkuGateway(config: GatewayConfig): DuitkuGateway {
  return new DuitkuGateway(config);
}
