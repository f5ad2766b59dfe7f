/**
 * Request validation without type coercion, for routes whose fields are credentials (sign-up, reset): a
 * JSON number or array where a password belongs is refused (422), not quietly turned into a string as
 * the app-wide validator does for the SDKs' sake. Errors keep the shape the error mapper formats.
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/** The most useful error first: a named missing or extra field rather than "schema is false". */
function mostUseful(errors: SchemaError[]): SchemaError[] {
  const chosen = errors.find((e) => e.keyword !== 'boolean') ?? errors[0];
  if (!chosen) return [];
  const { params } = chosen;
  if (chosen.keyword === 'required' && Array.isArray(params.requiredProperties))
    return [{ ...chosen, params: { ...params, missingProperty: params.requiredProperties[0] } }];
  if (chosen.keyword === 'additionalProperties' && Array.isArray(params.additionalProperties))
    return [{ ...chosen, message: `must not have the field ${String(params.additionalProperties[0])}` }];
  return [chosen];
}

export const strictValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema }) => {
  const validator = Compile(schema);
  return (data: unknown) =>
    validator.Check(data)
      ? { value: data }
      : { error: mostUseful(validator.Errors(data) as unknown as SchemaError[]) as never };
};
