// The web app: server-rendered pages mounted inside numpool's Fastify server (src/api/web/mount-web.ts),
// which passes each request's verbs in as locals. Built with `astro build --root web` (scripts/build-web.ts).
import node from '@astrojs/node';
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'middleware' }),
  // One cached stylesheet instead of inline styles; pages ship no client script unless one asks for it.
  build: { inlineStylesheets: 'never' },
  // Astro inlines a page script smaller than this limit, which the CSP (script-src 'self') would block:
  // every script stays a file.
  vite: { build: { assetsInlineLimit: 0 } },
  devToolbar: { enabled: false },
});
