/**
 * Gates for pages: who may see them. A visitor who is not signed in goes to /login and comes back after;
 * a signed-in customer who opens an operator's page gets the 403 page. The API refuses the same visitor
 * the same way, so a gate is for a clear page, not the protection itself.
 */
import type { AstroGlobal } from 'astro';
import type { Viewer } from '../../../src/api/web/web-locals.ts';

/** Only same-site paths: a `next` pointing elsewhere would make the login page an open redirect. */
export function safeNext(next: string | null | undefined, fallback = '/orders'): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}

export async function requireViewer(Astro: AstroGlobal): Promise<Viewer | Response> {
  const viewer = await Astro.locals.numpool.viewer();
  if (viewer) return viewer;
  const next = `${Astro.url.pathname}${Astro.url.search}`;
  return Astro.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
}

export async function requireAdmin(Astro: AstroGlobal): Promise<Viewer | Response> {
  const viewer = await requireViewer(Astro);
  if (viewer instanceof Response || viewer.role === 'admin') return viewer;
  return Astro.rewrite('/403');
}
