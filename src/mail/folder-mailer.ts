import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '../platform/logger.ts';
import type { Mailer } from './mailer.ts';

/** The sandbox's mailbox: where messages are written when there is no SMTP server. */
export function mailFolder(dataDir: string): string {
  return join(dataDir, 'mail');
}

/**
 * Writes each message, as nodemailer would send it (RFC 5322, CRLF lines), to <dataDir>/mail/ as an .eml
 * file that any mail client opens. Names sort in the order messages were written. The files hold live
 * links, so only the owner may read them.
 */
export function folderMailer({ dataDir, from, log }: { dataDir: string; from: string; log: Logger }): Mailer {
  const folder = mailFolder(dataDir);
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  let written = 0;
  return {
    kind: 'folder',
    async send(message) {
      const info = await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
      });
      await mkdir(folder, { recursive: true, mode: 0o700 });
      written += 1;
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${String(written).padStart(6, '0')}-${randomBytes(4).toString('hex')}.eml`;
      const file = join(folder, name);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      log.info({ to: message.to, file }, 'mail written to the sandbox mail folder');
    },
  };
}
