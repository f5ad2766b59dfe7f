import nodemailer from 'nodemailer';
import type { Mailer } from './mailer.ts';

/**
 * Hands each message to the SMTP server at url (one connection per message: sign-up and reset mail is
 * rare, and nothing is left open at shutdown). Timeouts are short because the sender waits in the
 * background after a commit, not in a request; the nodemailer defaults are minutes.
 */
export function smtpMailer({ url, from }: { url: string; from: string }): Mailer {
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    kind: 'smtp',
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}
