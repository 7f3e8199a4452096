/** @module The http-fetch plugin's operator config: schema (validated by the host at load) and parsed settings. */
import { z } from "zod";

export const MiB = 1024 * 1024;
export const DEFAULT_MAX_BYTES = MiB;
export const DEFAULT_TIMEOUT_MS = 10_000;

export const httpFetchConfigSchema = z
  .strictObject({
    /** ceiling on what a caller may ask for with `maxBytes` */
    maxBytes: z
      .int()
      .positive()
      .default(5 * MiB),
    /**
     * how much `ctx.fetch` may buffer before the plugin truncates to `maxBytes`; bodies past it are
     * refused (ctx.fetch cannot return a prefix), so this bounds memory per call
     */
    downloadLimitBytes: z
      .int()
      .positive()
      .default(16 * MiB),
    /** ceiling on `timeoutMs` */
    maxTimeoutMs: z.int().positive().default(30_000),
    userAgent: z.string().min(1).default("mcp-runtime-http-fetch/0.1 (+https://modelcontextprotocol.io)"),
  })
  .refine((c) => c.downloadLimitBytes >= c.maxBytes, {
    message: '"downloadLimitBytes" must be at least "maxBytes"',
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
