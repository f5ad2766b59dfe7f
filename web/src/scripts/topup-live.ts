/**
 * Live status of a top-up's page: polls GET /api/topups/{id} every 2 s while the page marks the top-up as
 * still payable; when the status moves, fetches the page again and swaps in its server-drawn facts, so the
 * wording and money formats stay the server's. Stops once the top-up is final.
 */
const POLL_MS = 2000;

export function watchTopup(region: HTMLElement): void {
  const id = region.dataset.topupId;
  if (!id || region.dataset.live !== 'true') return;
  const tick = async () => {
    try {
      const response = await fetch(`/api/topups/${encodeURIComponent(id)}`, {
        headers: { accept: 'application/json' },
      });
      if (response.ok) {
        const { data } = (await response.json()) as { data: { status: string } };
        if (data.status !== region.dataset.status) await redraw(region);
      }
    } catch {
      // A missed poll (offline, a restart) is simply retried at the next tick.
    }
    if (region.dataset.live === 'true') setTimeout(tick, POLL_MS);
  };
  setTimeout(tick, POLL_MS);
}

async function redraw(region: HTMLElement): Promise<void> {
  const response = await fetch(window.location.href, { headers: { accept: 'text/html' } });
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), 'text/html');
  const fresh = page.querySelector<HTMLElement>('[data-topup-live]');
  if (!fresh) return;
  region.innerHTML = fresh.innerHTML;
  region.dataset.status = fresh.dataset.status ?? '';
  region.dataset.live = fresh.dataset.live ?? 'false';
}
