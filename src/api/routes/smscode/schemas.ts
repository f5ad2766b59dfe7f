/** Wire schemas of the SMSCode contract: closed objects, every documented key present. */
import Type, { type TSchema } from 'typebox';
import { SMSCODE_ERROR_CODES } from '../../plugins/smscode-errors.ts';

export const Int32 = Type.Integer({ minimum: -2147483648, maximum: 2147483647 });
export const Id32 = Type.Integer({ minimum: 0, maximum: 2147483647 });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

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
