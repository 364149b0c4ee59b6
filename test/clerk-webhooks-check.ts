// Checks a webhook event against Clerk's own schemas (test/clerk-webhook-schemas.json, extracted unchanged from
// Clerk's published webhook spec), the way an app typed by that spec would read it.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

const spec = JSON.parse(readFileSync(new URL('./clerk-webhook-schemas.json', import.meta.url), 'utf8')) as {
  events: Record<string, unknown>;
  components: unknown;
};

const ID = 'clerk-webhooks';

/** OpenAPI 3.0 to JSON Schema: `nullable: true` becomes "null or the rest", refs point at the registered components. */
function toJsonSchema(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toJsonSchema);
  if (v === null || typeof v !== 'object') return v;
  const { nullable, ...rest } = v as Record<string, unknown>;
  const out = Object.fromEntries(
    Object.entries(rest).map(([k, x]) => [
      k,
      k === '$ref' && typeof x === 'string' ? x.replace('#/components', `${ID}#/components`) : toJsonSchema(x),
    ]),
  );
  return nullable === true ? { anyOf: [{ type: 'null' }, out] } : out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
ajv.addSchema({ $id: ID, components: toJsonSchema(spec.components) });
const validators = new Map<string, ValidateFunction>(
  Object.entries(spec.events).map(([type, schema]) => [type, ajv.compile(toJsonSchema(schema) as object)]),
);

/** What is wrong with the event by Clerk's schema of its type; none for a valid one. */
export function clerkEventProblems(event: { type?: unknown }): string[] {
  const validate = validators.get(String(event.type));
  if (!validate) return [`${String(event.type)} is not an event Clerk's spec describes here`];
  if (validate(event)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
