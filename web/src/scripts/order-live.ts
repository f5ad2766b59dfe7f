/**
 * The order page, live: the copy button, the time left, and the account's event stream (GET /v2/stream,
 * the webhook payloads, same origin with the session cookie) adding each SMS and showing the actions
 * the new capability flags allow. The page works without it: the server renders the order as it is.
 */

interface Flags {
  can_finish: boolean;
  can_resend: boolean;
  can_cancel: boolean;
  cancel_available_at: string | null;
  resend_available_at: string | null;
}
interface EventData extends Flags {
  order_id: number;
  otp_code: string | null;
  otp_message: string | null;
  sms_revision: number | null;
}
interface Summary extends Flags {
  id: number;
  status: string;
  otp_code: string | null;
  otp_message: string | null;
  sms_revision: number;
}

/** What each event says about the order's status (the payloads carry flags, not the status). */
const STATUS_OF_EVENT: Record<string, string> = {
  'order.activated': 'ACTIVE',
  'order.otp_received': 'OTP_RECEIVED',
  'order.resend_requested': 'ACTIVE',
  'order.completed': 'COMPLETED',
  'order.canceled': 'CANCELED',
  'order.expired': 'EXPIRED',
};
const TERMINAL = new Set(['COMPLETED', 'CANCELED', 'EXPIRED']);

const root = document.querySelector<HTMLElement>('[data-order]');
if (root) follow(root);

function follow(root: HTMLElement): void {
  const orderId = Number(root.dataset.order);
  const labels = JSON.parse(root.dataset.statusLabels ?? '{}') as Record<string, string>;
  const list = root.querySelector<HTMLOListElement>('[data-sms-list]');
  let revision = Number(list?.dataset.revision ?? 0);
  let status = root.dataset.status ?? '';

  setUpCopy(root);
  const stopCountdown = setUpCountdown(root);

  const setStatus = (next: string) => {
    status = next;
    const text = root.querySelector<HTMLElement>('[data-status-text]');
    if (text) {
      text.textContent = labels[next] ?? next;
      text.className = text.className.replace(/status--\w+/, `status--${next}`);
    }
    if (TERMINAL.has(next)) stopCountdown();
  };

  const addSms = (code: string | null, message: string | null) => {
    const template = root.querySelector<HTMLTemplateElement>('[data-sms-template]');
    if (!list || !template) return;
    const item = template.content.firstElementChild?.cloneNode(true) as HTMLElement | undefined;
    if (!item) return;
    const codeLine = item.querySelector<HTMLElement>('[data-code-line]');
    if (code) item.querySelector('[data-code]')!.textContent = code;
    else codeLine?.remove();
    item.querySelector('[data-message]')!.textContent = message ?? '';
    list.prepend(item);
    root.querySelector<HTMLElement>('[data-sms-empty]')?.setAttribute('hidden', '');
  };

  const applyFlags = (flags: Flags) => {
    const show = { finish: flags.can_finish, resend: flags.can_resend, cancel: flags.can_cancel };
    for (const [action, allowed] of Object.entries(show)) {
      const form = root.querySelector<HTMLFormElement>(`form[data-action="${action}"]`);
      if (form) form.hidden = !allowed;
    }
    if (!flags.cancel_available_at || flags.can_cancel)
      root.querySelector('[data-cancel-hint]')?.setAttribute('hidden', '');
    if (!flags.resend_available_at || flags.can_resend)
      root.querySelector('[data-resend-hint]')?.setAttribute('hidden', '');
    recheckAt(flags.cancel_available_at);
    recheckAt(flags.resend_available_at);
  };

  // Events applied so far: a read of the order that an event overtook may describe the order before
  // that event (an SMS arriving while the first read was on its way), and must not undo it.
  let eventsApplied = 0;

  /** The order as the API tells it now: for what happened before the stream connected, and timed flags. */
  const refresh = async () => {
    const eventsBefore = eventsApplied;
    try {
      const response = await fetch(`/v2/orders/${orderId}`, { headers: { accept: 'application/json' } });
      if (!response.ok) return;
      const order = ((await response.json()) as { data: Summary }).data;
      if (eventsApplied !== eventsBefore) return;
      if (order.sms_revision > revision) {
        revision = order.sms_revision;
        addSms(order.otp_code, order.otp_message);
      }
      if (order.status !== status) setStatus(order.status);
      applyFlags(order);
    } finally {
      // How many reads have settled, applied or not: what a test waits on instead of a delay.
      root.dataset.reads = String(Number(root.dataset.reads ?? 0) + 1);
    }
  };

  // A window that opens with time (cancel, resend) has no event: the order is read again when it opens.
  const timers = new Set<string>();
  function recheckAt(at: string | null) {
    if (!at || timers.has(at) || TERMINAL.has(status)) return;
    const wait = Date.parse(at) - Date.now();
    if (!(wait > 0)) return;
    timers.add(at);
    setTimeout(() => void refresh().catch(() => undefined), wait + 500);
  }
  recheckAt(root.dataset.cancelAt ?? null);
  recheckAt(root.dataset.resendAt ?? null);

  if (TERMINAL.has(status) || typeof EventSource === 'undefined') return;
  const stream = new EventSource('/v2/stream?events=all');
  stream.addEventListener('open', () => void refresh().catch(() => undefined));
  for (const [name, next] of Object.entries(STATUS_OF_EVENT)) {
    stream.addEventListener(name, (event) => {
      const data = (JSON.parse((event as MessageEvent<string>).data) as { data: EventData }).data;
      if (data.order_id !== orderId) return;
      eventsApplied++;
      if (name === 'order.otp_received' && data.sms_revision !== null && data.sms_revision > revision) {
        revision = data.sms_revision;
        addSms(data.otp_code, data.otp_message);
      }
      setStatus(next);
      applyFlags(data);
      if (TERMINAL.has(next)) stream.close();
    });
  }
}

function setUpCopy(root: HTMLElement): void {
  const button = root.querySelector<HTMLButtonElement>('[data-copy]');
  const phone = root.querySelector<HTMLElement>('[data-phone]');
  const status = root.querySelector<HTMLElement>('[data-copy-status]');
  if (!button || !phone || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener('click', async () => {
    await navigator.clipboard.writeText(phone.textContent?.trim() ?? '');
    if (status) status.textContent = root.dataset.tCopied ?? '';
  });
}

/** Minutes and seconds until expiry, each second; returns how to stop it. */
function setUpCountdown(root: HTMLElement): () => void {
  const element = root.querySelector<HTMLElement>('[data-countdown]');
  if (!element) return () => undefined;
  const end = Date.parse(element.dataset.countdown ?? '');
  const template = root.dataset.tLeft ?? '{time}';
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const time = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
    element.textContent = left > 0 ? template.replace('{time}', time) : (root.dataset.tEnded ?? '');
    if (left === 0) clearInterval(timer);
  };
  element.hidden = false;
  tick();
  const timer = setInterval(tick, 1000);
  return () => {
    clearInterval(timer);
    element.hidden = true;
  };
}
