/**
 * A real SMTP server on loopback that keeps what it receives, for tests of outgoing mail: point SMTP_URL
 * at receiver.url, then await receiver.waitForMail(address). Plain SMTP without TLS or AUTH, as a
 * loopback relay would be. Closed when the test file ends.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll } from 'vitest';

export interface ReceivedMail {
  /** Envelope recipients, lowercase. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  /** The message as it came over the wire. */
  raw: string;
}

export interface SmtpReceiver {
  url: string;
  /** Everything received so far, in order. */
  messages: ReceivedMail[];
  /**
   * The next message to this address that no earlier call returned, as soon as it has arrived: a
   * condition awaited on each delivery, not a poll. Fails after timeoutMs.
   */
  waitForMail(to: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const taken = new Map<string, number>();
  const listeners = new Set<() => void>();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            messages.push({
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              raw,
            });
            for (const listener of listeners) listener();
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  afterAll(close);

  const nextFor = (to: string): ReceivedMail | undefined => {
    const seen = taken.get(to) ?? 0;
    const match = messages.filter((m) => m.to.includes(to))[seen];
    if (match) taken.set(to, seen + 1);
    return match;
  };

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close,
    waitForMail(address, timeoutMs = 15_000) {
      const to = address.toLowerCase();
      const ready = nextFor(to);
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no mail to ${to} within ${timeoutMs} ms`));
        }, timeoutMs);
        function check() {
          const mail = nextFor(to);
          if (!mail) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(mail);
        }
        listeners.add(check);
      });
    },
  };
}

/** The token in a mailed link to `page` (verify-email or reset-password). */
export function linkToken(text: string, page: 'verify-email' | 'reset-password'): string {
  const match = new RegExp(`/${page}\\?token=([A-Za-z0-9_-]{43})`).exec(text);
  if (!match) throw new Error(`no ${page} link in the mail:\n${text}`);
  return match[1]!;
}
