import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';
import { clerkValidatorCompiler } from './validation.js';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type SerializerFactory = NonNullable<CompilersFactory['buildSerializer']>;

/** Resolves as fastify itself does: its default compilers are its dependencies, not this package's. */
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'));

/**
 * The app's schema compilers: zod validates every route; Fastify's default serializer compiler (with ajv) is
 * loaded only when a route with a response schema asks for it, none of the app's does. Fastify otherwise
 * loads both of its default compilers and ajv at every start (BENCHMARKS.md: per-test cost).
 */
export const compilersFactory: CompilersFactory = {
  buildValidator: () => clerkValidatorCompiler as ReturnType<NonNullable<CompilersFactory['buildValidator']>>,
  buildSerializer: (externalSchemas, options) => {
    const { SerializerSelector } = fastifyRequire('@fastify/fast-json-stringify-compiler') as {
      SerializerSelector: () => SerializerFactory;
    };
    return SerializerSelector()(externalSchemas, options);
  },
};
