import type { APIRoute } from 'astro';

/** Where gateways send the customer back after paying (start-topup.ts's return URL): the top-up's page. */
export const GET: APIRoute = ({ params, redirect }) =>
  redirect(`/topup/${encodeURIComponent(params.id ?? '')}`, 302);
