/**
 * @module The postgres plugin's operator config: schema (validated by the host at load) and the
 * settings derived from it once per config object.
 */
import { z } from "zod";
import { PostgresPluginError } from "./errors.js";

export const HARD_MAX_ROWS = 1000;

export const postgresConfigSchema = z.strictObject({
  /** e.g. "${DATABASE_URL}", substituted by the runtime from its environment */
  connectionString: z.string().min(1).optional(),
  host: z.string().min(1).optional(),
  port: z.int().min(1).max(65_535).optional(),
  database: z.string().min(1).optional(),
  user: z.string().min(1).optional(),
  /** name of the environment variable holding the password (grant it in sandbox.env) */
  passwordEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional(),
  maxRows: z.int().positive().max(HARD_MAX_ROWS).default(100),
  statementTimeoutMs: z.int().positive().default(5000),
  /** when set, only these schemas are listed and described (see README: not a privilege boundary) */
  schemas: z.array(z.string().min(1)).min(1).optional(),
});

export type PostgresConfig = z.output<typeof postgresConfigSchema>;

export interface PostgresSettings extends PostgresConfig {
  /** identifies the connection target; one pool per key */
  readonly poolKey: string;
}

const settingsByConfig = new WeakMap<object, PostgresSettings>();

export function settingsFor(config: Readonly<Record<string, unknown>>): PostgresSettings {
  let settings = settingsByConfig.get(config);
  if (settings === undefined) {
    const parsed = postgresConfigSchema.parse(config);
    const { connectionString, host, port, database, user, passwordEnv, statementTimeoutMs } = parsed;
    settings = {
      ...parsed,
      poolKey: JSON.stringify([
        connectionString,
        host,
        port,
        database,
        user,
        passwordEnv,
        statementTimeoutMs,
      ]),
    };
    settingsByConfig.set(config, settings);
  }
  return settings;
}

/** The password named by `passwordEnv`, read per connection so a rotated secret is picked up. */
export function passwordFrom(settings: PostgresSettings): string | undefined {
  if (settings.passwordEnv === undefined) return undefined;
  const value = process.env[settings.passwordEnv];
  if (value === undefined)
    throw new PostgresPluginError(
      "ERR_CONFIG",
      `environment variable ${settings.passwordEnv} (config.passwordEnv) is not set: grant it in this plugin's sandbox.env`,
    );
  return value;
}

/** Schemas the catalogue tools may show; undefined = all but PostgreSQL's own. */
export function assertSchemaAllowed(settings: PostgresSettings, schema: string): void {
  if (settings.schemas !== undefined && !settings.schemas.includes(schema))
    throw new PostgresPluginError(
      "ERR_SCHEMA_NOT_ALLOWED",
      `schema "${schema}" is not in this plugin's schemas allow-list`,
    );
}
