/**
 * Why a webhook URL (or the address it resolves to at connect time) may not be used. `reason` is written
 * for the customer who set the URL: it names the rule, never anything about numpool's own network.
 */
export class UnsafeWebhookUrl extends Error {
  readonly reason: string;

  constructor(reason: string, options?: ErrorOptions) {
    super(`unsafe webhook URL: ${reason}`, options);
    this.name = 'UnsafeWebhookUrl';
    this.reason = reason;
  }
}
