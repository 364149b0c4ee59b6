// Checks any response the server produces against openapi.yaml: a documented status, the documented
// Content-Type, required headers, and a body valid against the operation's schema for that status.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import yaml from 'yaml';
import { OPENAPI_PATH } from '../src/http/docs.js';

interface MediaType {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, unknown>;
}
export interface ResponseObject {
  description: string;
  headers?: Record<string, { required?: boolean }>;
  content?: Record<string, MediaType>;
}
type Responses = Record<string, ResponseObject | { $ref: string }>;
export interface Operation {
  responses: Responses;
  requestBody?: { content: Record<string, MediaType> };
}

export const openapi = yaml.parse(readFileSync(OPENAPI_PATH, 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, ResponseObject> } & Record<string, unknown>;
};

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** "METHOD /path/{param}" for every operation in the document. */
export const documentedOperations = (): string[] =>
  Object.entries(openapi.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => HTTP_METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );

/** Fastify's "/v1/invitations/:invitation_id" as OpenAPI's "/v1/invitations/{invitation_id}". */
export const openapiPath = (fastifyUrl: string): string => fastifyUrl.replace(/:([A-Za-z_]+)/g, '{$1}');

/** What a path the server has no route for may answer (see the document's "Limits and errors"). */
const UNROUTED: Record<string, string> = {
  '400': 'UnroutedBadRequest',
  '401': 'Unauthorized',
  '403': 'HostNotAllowed',
  '404': 'RouteNotFound',
  '405': 'MethodNotAllowed',
  '408': 'RequestTimeout',
  '413': 'PayloadTooLarge',
  '414': 'UrlTooLong',
  '431': 'HeaderFieldsTooLarge',
  '500': 'InternalError',
  '503': 'ServiceUnavailable',
};

// ajv resolves "#/components/schemas/X" against the schema it sits in, so point those refs at one
// registered schema holding every component.
const COMPONENTS = 'openapi-components';
const rewriteRefs = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(rewriteRefs);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [
      k,
      k === '$ref' && typeof x === 'string'
        ? x.replace('#/components/schemas/', `${COMPONENTS}#/$defs/`)
        : rewriteRefs(x),
    ]),
  );
};

const ajv = new Ajv2020({ allErrors: true, strictTypes: false });
// ajv-formats is CommonJS: its function is the default export's default.
formats.default(ajv);
ajv.addKeyword('x-max-depth').addKeyword('x-max-bytes');
ajv.addSchema({ $id: COMPONENTS, $defs: rewriteRefs(openapi.components.schemas) });

const compiled = new Map<string, ValidateFunction>();
/** A validator for a schema found at a place in the document; compiled once. */
export function validatorFor(where: string, schema: unknown): ValidateFunction {
  let v = compiled.get(where);
  if (!v) {
    v = ajv.compile(rewriteRefs(schema) as object);
    compiled.set(where, v);
  }
  return v;
}

export const resolve = <T>(v: T | { $ref: string }): T => {
  if (!(v !== null && typeof v === 'object' && '$ref' in v)) return v;
  const path = v.$ref.replace(/^#\//, '').split('/');
  return path.reduce<any>((node, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], openapi) as T;
};

export interface Exchange {
  method: string;
  /** The Fastify route's url pattern; undefined when no route matched. */
  route: string | undefined;
  status: number;
  headers: Record<string, unknown>;
  /** The body as sent; undefined when it is a stream. */
  body: string | undefined;
  /** An injected fault's error answer (/_emulator/faults), documented once for every /v1 operation. */
  injected?: boolean;
}

/** Every way the response disagrees with openapi.yaml; empty when it is exactly as documented. */
export function responseProblems(x: Exchange): string[] {
  const method = x.method === 'HEAD' ? 'GET' : x.method;
  const name = x.route === undefined ? `${x.method} (no route)` : `${x.method} ${x.route}`;
  let responses: Responses | undefined;
  let where: string;
  if (x.injected === true) {
    responses = { [x.status]: { $ref: '#/components/responses/InjectedFault' } };
    where = `injected ${x.status}`;
  } else if (x.route === undefined) {
    const component = UNROUTED[x.status];
    responses = component ? { [x.status]: { $ref: `#/components/responses/${component}` } } : {};
    where = `unrouted ${x.status}`;
  } else {
    const op = openapi.paths[openapiPath(x.route)]?.[method.toLowerCase()];
    if (!op) return [`${name} is not an operation in openapi.yaml`];
    responses = op.responses;
    where = `${method} ${x.route} ${x.status}`;
  }
  const documented = responses[String(x.status)];
  if (!documented) return [`${name} answered ${x.status}, which openapi.yaml does not document for it`];
  const response = resolve(documented);
  const problems: string[] = [];
  for (const [header, spec] of Object.entries(response.headers ?? {})) {
    if (spec.required && x.headers[header.toLowerCase()] === undefined)
      problems.push(`${name} ${x.status}: no ${header} header`);
  }
  const type = x.headers['content-type'] as string | undefined;
  const media = Object.keys(response.content ?? {});
  if (media.length === 0) {
    if (x.body) problems.push(`${name} ${x.status}: a body where openapi.yaml documents none`);
    return problems;
  }
  const key = media.find((m) => type === m || (m.startsWith('text/') && type === `${m}; charset=utf-8`));
  if (key === undefined)
    return [...problems, `${name} ${x.status}: Content-Type ${type} is not one of ${media.join(', ')}`];
  if (x.method === 'HEAD' || x.body === undefined) return problems;
  let body: unknown = x.body;
  if (key === 'application/json') {
    try {
      body = JSON.parse(x.body);
    } catch {
      return [...problems, `${name} ${x.status}: the body is not JSON`];
    }
  }
  let validate: ValidateFunction;
  try {
    validate = validatorFor(`${where} ${key}`, response.content?.[key]?.schema ?? {});
  } catch (err) {
    return [...problems, `${name} ${x.status}: its schema in openapi.yaml does not compile: ${(err as Error).message}`];
  }
  if (!validate(body)) problems.push(`${name} ${x.status}: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
  return problems;
}
