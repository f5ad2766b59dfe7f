/**
 * Reading the sandbox's mail: without SMTP_URL, numpool writes each message as an .eml file to
 * $NUMPOOL_DATA_DIR/mail/. End-to-end tests (and people trying the sandbox) sign up, then take the link
 * from the newest message to their address.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { mailFolder } from '../../src/mail/folder-mailer.ts';
import { waitUntil } from './wait.ts';

export interface SandboxMail {
  file: string;
  to: string[];
  subject: string;
  text: string;
  raw: string;
}

/** Every message in the folder to this address, oldest first (file names sort in writing order). */
export async function sandboxMailsTo(dataDir: string, address: string): Promise<SandboxMail[]> {
  const folder = mailFolder(dataDir);
  const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const to = address.toLowerCase();
  const mails: SandboxMail[] = [];
  for (const name of names.filter((n) => n.endsWith('.eml')).sort()) {
    const file = join(folder, name);
    const raw = await readFile(file, 'utf8');
    const parsed = await simpleParser(raw);
    const recipients = [parsed.to ?? []]
      .flat()
      .flatMap((group) => group.value.map((a) => (a.address ?? '').toLowerCase()));
    if (recipients.includes(to))
      mails.push({ file, to: recipients, subject: parsed.subject ?? '', text: parsed.text ?? '', raw });
  }
  return mails;
}

const PAGES = { verify: 'verify-email', reset: 'reset-password' } as const;

/** The token of the newest link of this kind mailed to the address, if any. */
export async function newestSandboxToken(
  dataDir: string,
  address: string,
  purpose: 'verify' | 'reset',
): Promise<string | undefined> {
  const pattern = new RegExp(`/${PAGES[purpose]}\\?token=([A-Za-z0-9_-]{43})`);
  const mails = await sandboxMailsTo(dataDir, address);
  for (const mail of mails.reverse()) {
    const match = pattern.exec(mail.text);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * Waits until a link of this kind to the address is in the folder (mail is written just after the
 * request's transaction commits) and returns its token; with `other`, waits for a token other than that
 * one (the link of a second request).
 */
export function waitForSandboxToken(
  dataDir: string,
  address: string,
  purpose: 'verify' | 'reset',
  options: { other?: string | undefined; timeoutMs?: number } = {},
): Promise<string> {
  return waitUntil(async () => {
    const token = await newestSandboxToken(dataDir, address, purpose);
    return token !== undefined && token !== options.other ? token : undefined;
  }, options.timeoutMs ?? 15_000);
}
