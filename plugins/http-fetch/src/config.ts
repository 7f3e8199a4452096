/** @module The http-fetch plugin's operator config: schema (validated by the host at load) and parsed settings. */
import { z } from "zod";

export const MiB = 1024 * 1024;
export const DEFAULT_MAX_BYTES = MiB;
export const DEFAULT_TIMEOUT_MS = 10_000;

export const httpFetchConfigSchema = z.strictObject({
  /** ceiling on what a caller may ask for with `maxBytes` */
  maxBytes: z
    .int()
    .positive()
    .default(5 * MiB),
  /**
   * Deprecated, ignored: `ctx.fetch` now stops reading at the caller's `maxBytes` (it used to
   * buffer up to this and refuse longer bodies). Still accepted so existing configs load.
   */
  downloadLimitBytes: z.int().positive().optional(),
  /** ceiling on `timeoutMs` */
  maxTimeoutMs: z.int().positive().default(30_000),
  userAgent: z.string().min(1).default("mcp-runtime-http-fetch/0.1 (+https://modelcontextprotocol.io)"),
});

export type HttpFetchSettings = z.output<typeof httpFetchConfigSchema>;

// The host hands every call the same frozen config object, so parse once per object.
const settingsByConfig = new WeakMap<object, HttpFetchSettings>();

export function settingsFor(config: Readonly<Record<string, unknown>>): HttpFetchSettings {
  let settings = settingsByConfig.get(config);
  if (settings === undefined) {
    settings = httpFetchConfigSchema.parse(config);
    settingsByConfig.set(config, settings);
  }
  return settings;
}
