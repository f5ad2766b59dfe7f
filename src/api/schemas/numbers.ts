/**
 * What a number in a request may be. Ajv's type coercion turns "1e309" or "Infinity" into Infinity, and
 * every number keyword (minimum, maximum, format) then skips the non-finite value, so bounds alone never
 * refuse it. Each request number therefore carries the `x-finite` keyword, which Ajv runs apart from
 * those (registered by numberKeywords on the app's validator). Routes take their numbers from here;
 * test/fuzz holds every route in /openapi.json to it.
 */
import type { FastifyServerOptions } from 'fastify';
import Type, { type TNumberOptions } from 'typebox';

export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;
/** Money (BIGINT IDR) stays far inside the range a JS number holds exactly. */
export const MONEY_MAX = 1e15;

const FINITE = { 'x-finite': true } as const;

/** An int32 within [minimum, maximum] (a page, a count, a number of seconds). */
export const Int32In = (minimum: number, maximum: number, options: TNumberOptions = {}) =>
  Type.Integer({ ...options, minimum, maximum, format: 'int32', ...FINITE });

/** An int32 column value. */
export const Int32 = Int32In(INT32_MIN, INT32_MAX);

/** A row id (SERIAL): a non-negative int32. */
export const Id32 = Int32In(0, INT32_MAX);

/**
 * A paging number (limit, offset, page) the domain clamps into its range, as the contract says: any
 * finite integer is taken, never stored or sent to the database as given.
 */
export const Clamped = (options: TNumberOptions = {}) =>
  Type.Integer({ ...options, format: 'int64', ...FINITE });

/** A BIGINT id (e.g. event ids), kept within the exactly representable range. */
export const SafeId = Type.Integer({
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
  format: 'int64',
  ...FINITE,
});

/** Whole IDR (a BIGINT amount), non-negative unless told otherwise. */
export const MoneyIdr = (options: TNumberOptions = {}) =>
  Type.Integer({ minimum: 0, maximum: MONEY_MAX, ...options, format: 'int64', ...FINITE });

/** A finite decimal number (a multiplier, a rate). */
export const FiniteNumber = (options: TNumberOptions = {}) =>
  Type.Number({ ...options, format: 'double', ...FINITE });

type AjvPlugin = Extract<
  NonNullable<NonNullable<FastifyServerOptions['ajv']>['plugins']>[number],
  (...args: never[]) => unknown
>;

/** Registers `x-finite` on the request validator (see app.ts). */
export const numberKeywords: AjvPlugin = (ajv) =>
  ajv.addKeyword({
    keyword: 'x-finite',
    schemaType: 'boolean',
    errors: false,
    error: { message: 'must be a finite number' },
    validate: (finite: boolean, data: unknown) =>
      !finite || typeof data !== 'number' || Number.isFinite(data),
  });
