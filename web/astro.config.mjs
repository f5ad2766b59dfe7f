// The web app: server-rendered pages mounted inside numpool's Fastify server (src/api/web/mount-web.ts),
// which passes each request's verbs in as locals. Built with `astro build --root web` (scripts/build-web.ts).
import node from '@astrojs/node';
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'middleware' }),
  // One cached stylesheet instead of inline styles; pages ship no client script unless one asks for it.
  build: { inlineStylesheets: 'never' },
  // Never inline a page's script, however small: the CSP (script-src 'self') would block it.
  vite: { build: { assetsInlineLimit: (file) => (file.endsWith('.js') ? false : undefined) } },
  devToolbar: { enabled: false },
  // numpool's mount checks a form post's Origin against its public URL (src/api/web/form-origin.ts).
  security: { checkOrigin: false },
});
