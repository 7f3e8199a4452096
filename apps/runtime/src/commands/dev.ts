/**
 * @module `mcp-runtime dev`: `serve` plus a readable log and plugin reload on file change (see
 * dev/dev-watch.ts). The process, its port and its sessions stay up across reloads.
 */
import { existsSync } from "node:fs";
import { register } from "node:module";
import { fileURLToPath } from "node:url";
import type { DevWatch } from "../dev/dev-watch.js";
import { formatLogLine, parseLogLine } from "../dev/pretty-log.js";
import { type CliIo, EXIT, type ExitCode } from "./io.js";

export interface DevOptions {
  config?: string;
  transport?: string;
  host?: string;
  port?: string;
}

/** Makes a reloaded plugin's relative imports fresh too (built output only: hooks run as .js). */
function registerFreshImports(): void {
  const hooks = new URL("../dev/fresh-import-hooks.js", import.meta.url);
  if (existsSync(fileURLToPath(hooks))) register(hooks);
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
