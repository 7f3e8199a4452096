/**
 * @module One small connection pool per connection target, and the read-only transaction every
 * statement of this plugin runs in: BEGIN READ ONLY, a local statement_timeout, the work, ROLLBACK.
 * Plugins have no teardown hook, so pools close themselves when idle (`allowExitOnIdle`, idle
 * timeout) and `closePools()` exists for hosts and tests.
 */
import { Pool, type PoolClient } from "pg";
import { type PostgresSettings, passwordFrom } from "./config.js";
import { toPostgresError } from "./errors.js";

const POOL_SIZE = 4;
const IDLE_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5_000;

const pools = new Map<string, Pool>();

function poolFor(settings: PostgresSettings): Pool {
  let pool = pools.get(settings.poolKey);
  if (pool === undefined) {
    pool = new Pool({
      connectionString: settings.connectionString,
      host: settings.host,
      port: settings.port,
      database: settings.database,
      user: settings.user,
      // A function: pg reads it per connection, so a rotated secret is used without a restart.
      password: settings.passwordEnv === undefined ? undefined : () => passwordFrom(settings) ?? "",
      max: POOL_SIZE,
      idleTimeoutMillis: IDLE_TIMEOUT_MS,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      allowExitOnIdle: true,
      application_name: "mcp-runtime-postgres",
      // Defence in depth: even a statement that ends our transaction cannot start a writable one.
      options: `-c default_transaction_read_only=on -c statement_timeout=${settings.statementTimeoutMs}`,
    });
    // An idle client losing its connection (server restart) must not crash the plugin's worker;
    // the pool drops that client and the next call connects afresh.
    pool.on("error", () => {});
    pools.set(settings.poolKey, pool);
  }
  return pool;
}

export function secretsOf(settings: PostgresSettings): (string | undefined)[] {
  const password = settings.passwordEnv === undefined ? undefined : process.env[settings.passwordEnv];
  let urlPassword: string | undefined;
  try {
    urlPassword = settings.connectionString ? new URL(settings.connectionString).password : undefined;
  } catch {
    urlPassword = undefined;
  }
  return [settings.connectionString, password, urlPassword && decodeURIComponent(urlPassword)];
}

/**
 * Runs `work` on one pooled connection inside a read-only transaction that is always rolled back.
 * Failures come back as PostgresPluginError with PostgreSQL's message and SQLSTATE, credentials
 * removed. `positionShift` is passed through to error positions (see toPostgresError).
 */
export async function withReadOnly<T>(
  settings: PostgresSettings,
  work: (client: PoolClient) => Promise<T>,
  positionShift = 0,
): Promise<T> {
  const secrets = secretsOf(settings);
  let client: PoolClient;
  try {
    passwordFrom(settings); // a missing password env var is a config error, not a pg one
    client = await poolFor(settings).connect();
  } catch (cause) {
    throw toPostgresError(cause, secrets);
  }
  let broken: Error | undefined;
  try {
    await client.query("BEGIN READ ONLY");
    // SET LOCAL takes no parameters; set_config(..., true) is its parameterised equivalent.
    await client.query({
      text: "SELECT set_config('statement_timeout', $1, true)",
      values: [String(settings.statementTimeoutMs)],
    });
    return await work(client);
  } catch (cause) {
    throw toPostgresError(cause, secrets, positionShift);
  } finally {
    try {
      await client.query("ROLLBACK");
    } catch (cause) {
      // The connection is in an unknown state: destroy it rather than hand it to the next call.
      broken = cause instanceof Error ? cause : new Error(String(cause));
    }
    client.release(broken);
  }
}

/** Ends every pool (for hosts shutting down and for tests). */
export async function closePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((pool) => pool.end()));
}
