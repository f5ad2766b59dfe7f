/** POST /logout (the header's button): ends the session through the API, then back to the prices. */
import type { APIRoute } from 'astro';

export const POST: APIRoute = async ({ locals, redirect }) => {
  const answer = await locals.numpool.api('POST', '/api/logout');
  if (answer.ok || answer.status === 401) return redirect('/', 303);
  // A post without the session's CSRF token (not from our page) ends nothing.
  return new Response(answer.error.message, {
    status: answer.status,
    headers: { 'content-type': 'text/plain' },
  });
};
