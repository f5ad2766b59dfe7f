/** The gate of every operator's page: an admin sees it, uncached; anyone else is turned away. */
import type { AstroGlobal } from 'astro';
import type { Viewer } from '../../../../src/api/web/web-locals.ts';
import { requireAdmin } from '../visitor.ts';

export async function adminGate(Astro: AstroGlobal): Promise<Viewer | Response> {
  const viewer = await requireAdmin(Astro);
  if (!(viewer instanceof Response)) Astro.response.headers.set('cache-control', 'no-store');
  return viewer;
}
