/** Assertions on the SMSCode error envelope that /v1, /v2, /api and /admin/api answer with. */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { SMSCODE_STATUS, type SmscodeErrorCode } from '../../src/api/plugins/smscode-errors.ts';

/** The answer is `status` in the envelope `{"success":false,"error":{code,message,details?}}`. */
export function expectRefusal(response: LightMyRequestResponse, status: number, code?: SmscodeErrorCode) {
  expect(response.statusCode, `${status} expected: ${response.body.slice(0, 300)}`).toBe(status);
  const body = response.json();
  expect(body).toEqual({
    success: false,
    error: expect.objectContaining({ code: code ?? expect.any(String), message: expect.any(String) }),
  });
  expect(Object.keys(body.error).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
  expect(SMSCODE_STATUS[body.error.code as SmscodeErrorCode]).toBe(status);
  return body.error as { code: SmscodeErrorCode; message: string; details?: Record<string, unknown> };
}

/** Any 4xx in the envelope, never a 5xx. */
export function expectClientError(response: LightMyRequestResponse) {
  expect(response.statusCode, response.body.slice(0, 300)).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
  return expectRefusal(response, response.statusCode);
}

/** No 5xx: a success, or a refusal in the envelope. */
export function expectNo5xx(response: LightMyRequestResponse) {
  expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
  if (response.statusCode >= 400) expectRefusal(response, response.statusCode);
}
