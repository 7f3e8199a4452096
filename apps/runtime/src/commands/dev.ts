/**
 * @module `mcp-runtime dev`: `serve` plus a readable log and plugin reload on file change (see
 * dev/dev-watch.ts). The process, its port and its sessions stay up across reloads.
 */
import { existsSync } from "node:fs";
import { register } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { DevWatch } from "../dev/dev-watch.js";
import { formatLogLine, parseLogLine } from "../dev/pretty-log.js";
import { RUNTIME_DIR } from "../package-dir.js";
import { type CliIo, EXIT, type ExitCode } from "./io.js";

export interface DevOptions {
  config?: string;
  transport?: string;
  host?: string;
  port?: string;
}

/** Makes a reloaded plugin's relative imports fresh too (built output only: hooks run as .js). */
function registerFreshImports(): void {
  if (import.meta.url.endsWith(".ts")) return;
  const hooks = join(RUNTIME_DIR, "dist", "dev", "fresh-import-hooks.js");
  if (existsSync(hooks)) register(pathToFileURL(hooks));
}

export async function dev(options: DevOptions, io: CliIo): Promise<ExitCode> {
  registerFreshImports();
  const [{ serve }, { DevWatch }] = await Promise.all([import("./serve.js"), import("../dev/dev-watch.js")]);
  const colour = io.interactive;
  let watch: DevWatch | undefined;
  try {
    return await serve(options, io, {
      logSink: (line) => {
        const record = parseLogLine(line);
        if (record !== undefined && watch?.repeats(record)) return;
        io.stderr(`${formatLogLine(line, colour)}\n`);
      },
      onStarted: async (runtime, configFile) => {
        if (configFile === undefined) {
          runtime.logger.warn({ msg: "no config file: nothing to watch, plugins are not reloaded" });
          return;
        }
        watch = new DevWatch(runtime, configFile, process.cwd());
        await watch.start();
      },
    });
  } catch (cause) {
    io.stderr(`mcp-runtime: dev failed: ${cause instanceof Error ? cause.message : String(cause)}\n`);
    return EXIT.unavailable;
  } finally {
    watch?.close();
  }
}
