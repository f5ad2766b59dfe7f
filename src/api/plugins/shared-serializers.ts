/**
 * Response serializers compiled once per distinct response schema instead of once per route and status.
 * fast-json-stringify gives each serializer whose schema holds an anyOf (the error envelope's code) an Ajv
 * instance of its own, and the error envelope alone is declared on ~350 route × status pairs: the API
 * process kept 426 Ajv instances. A serializer depends only on its schema and the compiler's options, so
 * equal schemas share one.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;

export function sharedSerializers(): SerializerFactory {
  const build = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    const compiled = new Map<string, ReturnType<typeof compile>>();
    return (route) => {
      const key = JSON.stringify(route.schema);
      let serializer = compiled.get(key);
      if (!serializer) {
        serializer = compile(route);
        compiled.set(key, serializer);
      }
      return serializer;
    };
  };
}
