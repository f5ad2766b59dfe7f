/**
 * Outgoing mail. With SMTP_URL each message goes to that server; without it (the sandbox) each message is
 * written as an RFC 5322 file to $NUMPOOL_DATA_DIR/mail/ and one line is logged naming the file and the
 * recipient (never the body: it holds single-use links).
 *
 * send() rejects when the message could not be handed over; callers decide what that means (sendMail
 * logs it and moves on). Nothing is queued or retried: a lost message is asked for again by its reader.
 */
import type { Config } from '../config.ts';
import type { Logger } from '../platform/logger.ts';
import { folderMailer } from './folder-mailer.ts';
import { smtpMailer } from './smtp-mailer.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Where messages go, for logs: `smtp` or `folder`. */
  readonly kind: 'smtp' | 'folder';
  send(message: MailMessage): Promise<void>;
}

export function createMailer({
  config,
  log,
}: {
  config: Pick<Config, 'mail' | 'dataDir'>;
  log: Logger;
}): Mailer {
  return config.mail.smtpUrl
    ? smtpMailer({ url: config.mail.smtpUrl, from: config.mail.from })
    : folderMailer({ dataDir: config.dataDir, from: config.mail.from, log });
}
