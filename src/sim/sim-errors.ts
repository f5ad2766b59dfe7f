/** Errors of the programmatic and control APIs, with the HTTP status the control API answers them with. */
export class SimError extends Error {
  readonly status: 400 | 404 | 409;

  constructor(status: 400 | 404 | 409, message: string) {
    super(message);
    this.name = 'SimError';
    this.status = status;
  }
}
