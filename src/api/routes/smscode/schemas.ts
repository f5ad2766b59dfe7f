/** Wire schemas of the SMSCode contract: closed objects, every documented key present. */
import Type, { type Static, type TSchema } from 'typebox';
import { SMSCODE_ERROR_CODES } from '../../plugins/smscode-errors.ts';
import { Int32 } from '../../schemas/numbers.ts';
/**
 * A nullable value. Primitive schemas become `type: [T, "null"]` rather than anyOf: the same JSON Schema
 * meaning, and the response serializer handles it without trying each branch.
 */
export const Nullable = <T extends TSchema>(schema: T) => {
  const type = (schema as { type?: unknown }).type;
  return typeof type === 'string' && type !== 'object' && type !== 'array'
    ? Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] })
    : Type.Union([schema, Type.Null()]);
};

export const ErrorResponse = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.Object(
      {
        code: Type.Union(SMSCODE_ERROR_CODES.map((c) => Type.Literal(c))),
        message: Type.String(),
        details: Type.Optional(Type.Object({}, { additionalProperties: true })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, description: 'Failure envelope' },
);

export const success = <T extends TSchema>(data: T) =>
  Type.Object({ success: Type.Literal(true), data }, { description: 'Success envelope' });

/** Error statuses shared by read operations (the contract lists them per operation). */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, ErrorResponse]));

export const Country = Type.Object(
  {
    id: Int32,
    name: Type.String(),
    active: Type.Boolean(),
    code: Nullable(Type.String({ description: 'ISO 3166-1 alpha-2, lowercase' })),
    dial_code: Nullable(Type.String({ description: 'without "+"' })),
    emoji: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const Service = Type.Object(
  {
    id: Type.Integer({ description: 'platform_id' }),
    code: Type.String({ description: 'platform slug, e.g. whatsapp' }),
    name: Type.String(),
    active: Type.Boolean(),
  },
  { additionalProperties: false },
);

export type ApiVersion = 'v1' | 'v2';

export const V2Money = Type.Object(
  {
    amount: Type.String({ description: 'USD decimal string' }),
    currency: Type.Literal('USD'),
    canonical_amount: Type.Integer({ description: 'IDR ledger amount' }),
    canonical_currency: Type.Literal('IDR'),
  },
  { additionalProperties: false },
);

export const V2Fx = Type.Object(
  {
    pair: Type.Literal('USD/IDR'),
    rate: Type.Integer({ description: 'IDR per 1 USD' }),
    rate_as_of: Nullable(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const PaginationMeta = Type.Object(
  { page: Type.Integer({ minimum: 1 }), limit: Type.Integer(), count: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

export const V2ProductsMeta = Type.Object(
  {
    page: Type.Integer({ minimum: 1 }),
    limit: Type.Integer(),
    count: Type.Integer({ minimum: 0 }),
    fx: V2Fx,
  },
  { additionalProperties: false },
);

const productFields = {
  id: Int32,
  available: Int32,
  active: Type.Boolean(),
  name: Nullable(Type.String()),
  country_id: Nullable(Int32),
  platform_id: Nullable(Int32),
  catalog_product_id: Nullable(Int32),
  operator_id: Nullable(Int32),
  operator_name: Nullable(Type.String()),
};
export const V1Product = Type.Object(
  { ...productFields, price: Type.Integer({ description: 'IDR' }) },
  { additionalProperties: false },
);
export const V2Product = Type.Object({ ...productFields, price: V2Money }, { additionalProperties: false });

export const Operator = Type.Object(
  {
    operator_id: Nullable(Int32),
    code: Type.String(),
    name: Nullable(Type.String()),
    local_name: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const V1ExchangeRate = Type.Object(
  {
    pair: Type.String(),
    base_currency: Type.String(),
    quote_currency: Type.String(),
    rate: Type.Integer({ description: 'quote minor units per 1 base unit' }),
  },
  { additionalProperties: false },
);

/** success envelope with a required meta object. */
export const successWithMeta = <T extends TSchema, M extends TSchema>(data: T, meta: M) =>
  Type.Object({ success: Type.Literal(true), data, meta }, { description: 'Success envelope' });
