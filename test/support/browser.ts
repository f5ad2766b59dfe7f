/**
 * Browser tests: playwright-core driving Debian's Chromium (/usr/bin/chromium, never a downloaded
 * browser) against a listening numpool with the sandbox catalog (the simulator's three personas, synced
 * over HTTP).
 *
 * They run whenever Chromium is installed, and are mandatory on CI (CI=true): there a missing Chromium
 * fails the suite instead of skipping it (.ci/run installs it). Every page a test opens fails the test on a
 * console error or an uncaught page error (assertCleanConsole), and expectAccessible fails it on any
 * serious or critical axe-core violation. Screenshots go to test-artifacts/screenshots/ (git-ignored).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, expect } from 'vitest';
import type { AppContext } from '../../src/app-context.ts';
import { type SandboxSupply, startSandboxProviders } from '../../src/sandbox/start-sandbox-providers.ts';
import { createTestApp } from './test-app.ts';
import { cleanupAfterFile, createTestContext } from './test-database.ts';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Whether this run has browser tests: wherever Chromium is installed, and always on CI. */
export const BROWSER_TESTS = existsSync(CHROMIUM) || process.env.CI === 'true';

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

const SCREENSHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));

export interface WebApp {
  ctx: AppContext;
  app: FastifyInstance;
  url: string;
  /** The simulator behind the sandbox providers (a test delivers SMS through it). */
  supply: SandboxSupply;
}

/** numpool with the sandbox catalog, listening on a free loopback port until the file ends. */
export async function startWebApp(env: NodeJS.ProcessEnv = {}): Promise<WebApp> {
  const ctx = await createTestContext(env);
  const supply = await startSandboxProviders({
    ctx,
    input: { port: 0, seed: 1, smsDelayMs: 60_000, noSmsRate: 0 },
  });
  cleanupAfterFile(() => supply.simulator.close());
  const app = await createTestApp(ctx);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { ctx, app, url, supply };
}

/** One Chromium for the file, closed after it. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`browser tests need ${CHROMIUM} (apt-get install -y chromium); CI requires them`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  afterAll(() => browser.close());
  return browser;
}

export interface PageVisit {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
  /** Bytes of every script response so far (decoded bodies: at least what was transferred). */
  scriptBytes(): Promise<number>;
  close(): Promise<void>;
}

export async function openPage(
  browser: Browser,
  viewport: ViewportName,
  options: { javaScriptEnabled?: boolean; locale?: string } = {},
): Promise<PageVisit> {
  const context = await browser.newContext({
    viewport: VIEWPORTS[viewport],
    locale: options.locale ?? 'en-US',
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  const scripts: Promise<number>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script')
      scripts.push(
        response.body().then(
          (body) => body.length,
          () => 0,
        ),
      );
  });
  return {
    context,
    page,
    errors,
    scriptBytes: async () => (await Promise.all(scripts)).reduce((sum, bytes) => sum + bytes, 0),
    close: () => context.close(),
  };
}

export function assertCleanConsole(visit: PageVisit): void {
  expect(visit.errors).toEqual([]);
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page (evaluated, so the page's CSP does not have to allow it). */
export async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  const blocking = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(blocking).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
