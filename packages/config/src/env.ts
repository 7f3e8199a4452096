/** @module Environment-variable and CLI-flag overrides (DESIGN.md "CLI contract"): read, check, apply. */
import type { z } from "zod";
import { type ConfigIssue, fromZodIssues } from "./issues.js";
import {
  audienceSchema,
  hostSchema,
  httpUrlSchema,
  issuerSchema,
  logLevelSchema,
  nonEmptySchema,
  portSchema,
  redisUrlSchema,
  transportSchema,
  ttlSecondsSchema,
} from "./schema.js";

/** CLI flags that override config values (`serve --transport --host --port`). */
export interface ConfigFlags {
  transport?: string;
  host?: string;
  /** A string as parsed from argv, or a number. */
  port?: string | number;
}

/** A value to write into the raw config at `path` before validation. */
export interface Override {
  path: readonly string[];
  value: unknown;
}

export interface Overrides {
  entries: Override[];
  issues: ConfigIssue[];
}

interface Binding {
  path: readonly string[];
  schema: z.ZodType;
  integer?: boolean;
}

// MCP_CONFIG is not here: choosing the file is the CLI's job (`--config` beats MCP_CONFIG).
const ENV_BINDINGS: Readonly<Record<string, Binding>> = {
  // For launchers that take `--transport` for themselves (the MCP Inspector strips it from the
  // server's arguments, even after "--"): `MCP_TRANSPORT=stdio` says the same.
  MCP_TRANSPORT: { path: ["server", "transport"], schema: transportSchema },
  MCP_HOST: { path: ["server", "host"], schema: hostSchema },
  MCP_PORT: { path: ["server", "port"], schema: portSchema, integer: true },
  LOG_LEVEL: { path: ["telemetry", "logLevel"], schema: logLevelSchema },
  CACHE_TTL: { path: ["cache", "ttlSeconds"], schema: ttlSecondsSchema, integer: true },
  REDIS_URL: { path: ["redis", "url"], schema: redisUrlSchema },
  OAUTH_ISSUER: { path: ["auth", "oauth", "issuer"], schema: issuerSchema },
  OAUTH_AUDIENCE: { path: ["auth", "oauth", "audience"], schema: audienceSchema },
  OAUTH_CLIENT_ID: { path: ["auth", "oauth", "client", "id"], schema: nonEmptySchema },
  OAUTH_CLIENT_SECRET: { path: ["auth", "oauth", "client", "secret"], schema: nonEmptySchema },
  OAUTH_REDIRECT_URI: { path: ["auth", "oauth", "client", "redirectUri"], schema: httpUrlSchema },
  OTEL_EXPORTER_OTLP_ENDPOINT: { path: ["telemetry", "otlp"], schema: httpUrlSchema },
};

const FLAG_BINDINGS: Readonly<Record<keyof ConfigFlags, Binding>> = {
  transport: { path: ["server", "transport"], schema: transportSchema },
  host: { path: ["server", "host"], schema: hostSchema },
  port: { path: ["server", "port"], schema: portSchema, integer: true },
};

/** The environment variables that override config values, for help text and docs. */
export const CONFIG_ENV_VARS: readonly string[] = Object.keys(ENV_BINDINGS);

/** Reads overrides from the environment. An empty value counts as unset (as `FOO=` in compose files means). */
export function envOverrides(env: Readonly<Record<string, string | undefined>>): Overrides {
  return collect(Object.entries(ENV_BINDINGS), (name) => env[name], "env");
}

export function flagOverrides(flags: ConfigFlags): Overrides {
  const bindings = Object.entries(FLAG_BINDINGS) as [keyof ConfigFlags, Binding][];
  return collect(bindings, (name) => flags[name], "flags");
}

function collect<K extends string>(
  bindings: readonly [K, Binding][],
  read: (name: K) => string | number | undefined,
  source: string,
): Overrides {
  const out: Overrides = { entries: [], issues: [] };
  for (const [name, binding] of bindings) {
    const raw = read(name);
    if (raw === undefined || raw === "") continue;
    const label = `${source}.${name}`;
    const value = binding.integer ? toInteger(raw) : raw;
    if (value === undefined) {
      // Only integer-typed sources reach here; echoing them is safe and names the typo.
      out.issues.push({ path: label, message: `expected integer, got ${JSON.stringify(String(raw))}` });
      continue;
    }
    const checked = binding.schema.safeParse(value, { reportInput: true });
    if (checked.success) out.entries.push({ path: binding.path, value: checked.data });
    else {
      for (const issue of fromZodIssues(checked.error.issues, label))
        out.issues.push({ path: label, message: issue.message });
    }
  }
  return out;
}

function toInteger(raw: string | number): number | string | undefined {
  if (typeof raw === "number") return raw;
  // Strict: "8080" only; "8080abc", "0x1F" and " 80" are typos, not numbers.
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** Writes overrides into a copy of `raw`; later entries win. Leaves non-object parts for the schema to report. */
export function applyOverrides(raw: unknown, entries: readonly Override[]): unknown {
  let result = raw;
  for (const entry of entries) result = setIn(result, entry.path, entry.value);
  return result;
}

function setIn(target: unknown, path: readonly string[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (target === undefined) target = {};
  if (typeof target !== "object" || target === null || Array.isArray(target)) return target;
  // Object.fromEntries defines own properties, so a "__proto__" key in the file stays inert.
  const copy = Object.fromEntries(Object.entries(target));
  copy[head] = setIn(copy[head], rest, value);
  return copy;
}
