/**
 * @module Tool input/output schemas: zod 4 (or any Standard Schema with a JSON Schema view) or a
 * plain JSON Schema object. Compiled once, on first use, into a validator and a JSON Schema for
 * `tools/list`: a plugin host validates nothing and lists nothing, so it never pays for either.
 */

import { createRequire } from "node:module";
import type { JsonObject } from "@mcp-runtime/protocol";
import type { ErrorObject } from "ajv";
import type Ajv2020 from "ajv/dist/2020.js";

/** The Standard Schema v1 contract (standardschema.dev), as zod 4, valibot and arktype implement it. */
export interface StandardSchema<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
    /** Standard JSON Schema (standardschema.dev/json-schema), as zod 4.2+ implements it */
    readonly jsonSchema?: {
      readonly input: (options: { readonly target: string }) => Record<string, unknown>;
    };
  };
}

type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: readonly {
        readonly message: string;
        readonly path?: readonly (PropertyKey | { key: PropertyKey })[];
      }[];
    };

/** A JSON Schema object (2020-12 by default, as MCP specifies). */
export type JsonSchema = JsonObject;

export type SchemaLike = StandardSchema | JsonSchema;

export type InferInput<S> =
  S extends StandardSchema<unknown, infer O> ? O : S extends JsonSchema ? JsonObject : JsonObject;

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; message: string };

export interface CompiledSchema<T = JsonObject> {
  jsonSchema: JsonSchema;
  validate(value: unknown): ValidationResult<T>;
}

function isStandard(schema: SchemaLike): schema is StandardSchema {
  return typeof schema === "object" && schema !== null && "~standard" in schema;
}

// One Ajv for the process: compiled validators are cached by schema object, and 2020-12 is MCP's
// default dialect. Ajv is CommonJS, so a synchronous require loads it the first time a plain JSON
// Schema is validated, not at import (it is a third of a plugin host's start-up otherwise).
let ajv: Ajv2020.default | undefined;
function compiler(): Ajv2020.default {
  if (ajv === undefined) {
    const Ajv = (createRequire(import.meta.url)("ajv/dist/2020.js") as typeof Ajv2020).default;
    // logger: false: an unknown `format` is ignored, as strict: false asks, without a line of
    // plain text on stderr (the runtime's logs are JSON lines; hosted servers' schemas use many).
    ajv = new Ajv({ allErrors: false, strict: false, useDefaults: true, coerceTypes: false, logger: false });
  }
  return ajv;
}

function describeAjv(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return "does not match the schema";
  const where = first.instancePath === "" ? "arguments" : first.instancePath.slice(1).replaceAll("/", ".");
  if (first.keyword === "required")
    return `missing required property "${String(first.params.missingProperty)}"`;
  if (first.keyword === "additionalProperties") {
    return `unknown property "${String(first.params.additionalProperty)}"`;
  }
  return `${where} ${first.message ?? "is invalid"}`;
}

function describePath(path: readonly (PropertyKey | { key: PropertyKey })[] | undefined): string {
  if (!path || path.length === 0) return "";
  return `${path.map((p) => String(typeof p === "object" ? p.key : p)).join(".")}: `;
}

function standardJsonSchema(schema: StandardSchema, fallback: JsonSchema): JsonSchema {
  try {
    const view = schema["~standard"].jsonSchema;
    return view ? (view.input({ target: "draft-2020-12" }) as JsonSchema) : fallback;
  } catch {
    // A schema with no JSON Schema form (a transform, a custom check) is listed by its fallback.
    return fallback;
  }
}

/** Compiles a schema once, when first used. `fallback` stands in for an absent schema. */
export function compileSchema<T = JsonObject>(
  schema: SchemaLike | undefined,
  fallback: JsonSchema,
): CompiledSchema<T> {
  const source = schema ?? fallback;
  if (isStandard(source)) {
    const standard = source["~standard"];
    let jsonSchema: JsonSchema | undefined;
    return {
      get jsonSchema() {
        jsonSchema ??= standardJsonSchema(source, fallback);
        return jsonSchema;
      },
      validate(value) {
        const result = standard.validate(value);
        if (result instanceof Promise)
          return { ok: false, message: "asynchronous schemas are not supported" };
        if (result.issues) {
          const issue = result.issues[0];
          return { ok: false, message: `${describePath(issue?.path)}${issue?.message ?? "invalid"}` };
        }
        return { ok: true, value: result.value as T };
      },
    };
  }
  let validator: ReturnType<Ajv2020.default["compile"]> | undefined;
  return {
    jsonSchema: source,
    validate(value) {
      try {
        validator ??= compiler().compile(source);
      } catch (cause) {
        return { ok: false, message: `the schema is invalid: ${(cause as Error).message}` };
      }
      // useDefaults mutates; validate a shallow copy so the caller's object stays as sent.
      const copy =
        typeof value === "object" && value !== null && !Array.isArray(value) ? { ...value } : value;
      return validator(copy)
        ? { ok: true, value: copy as T }
        : { ok: false, message: describeAjv(validator.errors) };
    },
  };
}
