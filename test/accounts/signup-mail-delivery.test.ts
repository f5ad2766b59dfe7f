/**
 * How sign-up mail leaves: to the sandbox mail folder when there is no SMTP server (and how a test reads
 * it back from there), and what happens when the SMTP server is down.
 */
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findAccount } from '../../src/accounts/find-account.ts';
import { freePort } from '../../src/platform/free-port.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { uniqueEmail } from '../support/factories.ts';
import { sandboxMailsTo, waitForSandboxToken } from '../support/sandbox-mail.ts';
import { createTestApp } from '../support/test-app.ts';
import { contextOn, createTestContext } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';

const lines: string[] = [];
const log = createLogger('info', 'numpool', { write: (line: string) => lines.push(line) });
const sandbox = await createTestContext({}, { log });
const sandboxApp = await createTestApp(sandbox);

const signUp = (app: typeof sandboxApp, email: string) =>
  app.inject({ method: 'POST', url: '/api/signup', payload: { email, password: 'a long enough password' } });

describe('the sandbox mail folder (no SMTP_URL)', () => {
  it('holds an .eml per message whose link verifies the account; the log names the file, not the link', async () => {
    const email = uniqueEmail('sandbox');
    expect((await signUp(sandboxApp, email)).statusCode).toBe(202);
    const token = await waitForSandboxToken(sandbox.config.dataDir, email, 'verify');

    const [mail] = await sandboxMailsTo(sandbox.config.dataDir, email);
    expect(mail!.raw).toMatch(/^From: numpool <no-reply@numpool\.localhost>\r$/m);
    expect(mail!.raw).toMatch(new RegExp(`^To: ${email.replace(/\./g, '\\.')}\\r$`, 'm'));
    expect(mail!.raw).toMatch(/^Message-ID: <.+>\r$/m);
    // Long lines go out quoted-printable; any mail reader shows the link whole.
    expect(mail!.raw).toMatch(/^Content-Type: text\/plain; charset=utf-8\r$/m);
    expect(mail!.text).toContain(`${sandbox.config.publicUrl}/verify-email?token=${token}`);
    expect(statSync(mail!.file).mode & 0o777).toBe(0o600);

    const logged = lines.map((line) => JSON.parse(line)).find((l) => l.file === mail!.file);
    expect(logged).toMatchObject({ to: email, msg: 'mail written to the sandbox mail folder' });
    expect(lines.join('\n')).not.toContain(token);

    const verified = await sandboxApp.inject({
      method: 'POST',
      url: '/api/verify-email',
      payload: { token },
    });
    expect(verified.statusCode).toBe(200);
    expect((await findAccount({ ctx: sandbox, input: { ref: email } })).emailVerifiedAt).not.toBeNull();
  });

  it('gives the newest link to an address', async () => {
    const email = uniqueEmail('twice');
    await signUp(sandboxApp, email);
    const first = await waitForSandboxToken(sandbox.config.dataDir, email, 'verify');
    await signUp(sandboxApp, email);
    const second = await waitForSandboxToken(sandbox.config.dataDir, email, 'verify', { other: first });
    expect(second).not.toBe(first);
    expect(await sandboxMailsTo(sandbox.config.dataDir, email)).toHaveLength(2);
  });
});

describe('an SMTP server that is down', () => {
  it('does not change the answer; the failure is logged', async () => {
    const downLines: string[] = [];
    const downLog = createLogger('info', 'numpool', { write: (line: string) => downLines.push(line) });
    const down = await contextOn(
      sandbox.url,
      { SMTP_URL: `smtp://127.0.0.1:${await freePort()}` },
      { log: downLog },
    );
    const app = await createTestApp(down);
    const email = uniqueEmail('down');
    const answer = await signUp(app, email);
    expect([answer.statusCode, answer.json()]).toEqual([
      202,
      { success: true, data: { status: 'check_your_email' } },
    ]);
    const failure = await waitUntil(async () =>
      downLines.map((line) => JSON.parse(line)).find((l) => l.msg === 'mail could not be sent'),
    );
    expect(failure).toMatchObject({ to: email, via: 'smtp', level: 50 });
    expect(downLines.join('\n')).not.toMatch(/token=/);
    // The account exists: asking again (once the server is back) sends a fresh link.
    expect((await findAccount({ ctx: down, input: { ref: email } })).emailVerifiedAt).toBeNull();
  });
});
