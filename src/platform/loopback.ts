/** Whether a URL names this machine by its loopback name or address (development, tests, the sandbox). */
export function isLoopbackUrl(url: URL | string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}
