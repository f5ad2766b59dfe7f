import { DomainError } from '../../platform/errors.ts';
import { assertSafeWebhookUrl, MAX_WEBHOOK_URL_LENGTH, UnsafeWebhookUrl } from '../ssrf/index.ts';

/** A customer-given callback URL (SMSCode or handler webhook), held to the SSRF rules; VALIDATION_ERROR if not. */
export async function validateWebhookUrl(url: string, policy: { allowPrivate: boolean }): Promise<void> {
  if (url.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new DomainError(
      'VALIDATION_ERROR',
      `webhook_url is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`,
    );
  }
  try {
    await assertSafeWebhookUrl(url, policy);
  } catch (error) {
    if (error instanceof UnsafeWebhookUrl)
      throw new DomainError('VALIDATION_ERROR', `webhook_url refused: ${error.reason}`);
    throw error;
  }
}
