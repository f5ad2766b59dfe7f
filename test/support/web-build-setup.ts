/**
 * Once per test run: build the web app if its sources changed (scripts/build-web.ts), so test files that
 * serve pages find web/dist and none of them builds on its own.
 */
import { ensureWebBuild } from '../../scripts/build-web.ts';

export default function setup() {
  const started = Date.now();
  if (ensureWebBuild()) console.log(`web app built in ${Date.now() - started} ms`);
}
