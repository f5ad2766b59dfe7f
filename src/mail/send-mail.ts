import { type DbContext, onCommit } from '../platform/db.ts';
import { isDomainError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { RateLimits } from '../platform/rate-limits.ts';
import type { Mailer, MailMessage } from './mailer.ts';

export interface MailContext extends DbContext {
  mailer: Mailer;
  log: Logger;
  rateLimits: RateLimits;
}

/**
 * Sends a message once the current transaction has committed (at once outside one), so no mail ever
 * announces a change that rolled back, and the request that caused it never waits for the mail server.
 * A failure is logged (recipient and reason, never the body) and otherwise dropped: whoever asked for the
 * mail can ask again. An address gets at most MAIL_PER_ADDRESS messages an hour, whoever asks, so the
 * public sign-up and reset forms cannot be used to flood someone's mailbox.
 */
export function sendMail({ ctx, input }: { ctx: MailContext; input: MailMessage }): void {
  const { mailer, log, rateLimits } = ctx;
  onCommit(ctx, async () => {
    try {
      await rateLimits.consume('mailPerAddress', input.to);
    } catch (error) {
      if (isDomainError(error)) {
        log.warn({ to: input.to }, 'mail not sent: this address already had its share this hour');
        return;
      }
      // The counter's store is down: the mail matters more than the cap.
      log.warn({ err: error, to: input.to }, 'mail cap unavailable; sending anyway');
    }
    try {
      await mailer.send(input);
    } catch (error) {
      log.error({ err: error, to: input.to, via: mailer.kind }, 'mail could not be sent');
    }
  });
}
