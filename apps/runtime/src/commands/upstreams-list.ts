/**
 * @module `mcp-runtime upstreams list [--config FILE] [--json]`: starts each configured upstream
 * as `serve` would (spawn or connect, initialize, list), prints its kind, sharing, state and what
 * it offers, and closes it again. Exit 1 when any upstream cannot start.
 */
import { loadCommandConfig } from "../config-file.js";
import { createLogger } from "../logger.js";
import { createUpstream } from "../upstreams/supervisor.js";
import { type CliIo, EXIT, type ExitCode } from "./io.js";

interface UpstreamReport {
  id: string;
  kind: "stdio" | "remote";
  sharing: "shared" | "perSession";
  namespace: string;
  state: string;
  tools?: number;
  resources?: number;
  prompts?: number;
  error?: string;
}

export async function upstreamsList(
  options: { config?: string; json?: boolean },
  io: CliIo,
): Promise<ExitCode> {
  const json = options.json === true;
  const chosen = await loadCommandConfig(options.config === undefined ? [] : ["--config", options.config]);
  if (!chosen.ok) return chosen.exitCode === EXIT.usage ? EXIT.usage : EXIT.failed;
  const { config } = chosen.loaded;
  // The upstreams' own stderr and the supervisor's warnings go to stderr; stdout is the listing.
  const logger = createLogger({ level: "warn", fields: { service: "mcp-runtime" } });
  const reports = await Promise.all(
    config.upstreams.map(async (entry): Promise<UpstreamReport> => {
      const upstream = createUpstream(entry, { logger });
      const base = {
        id: entry.id,
        kind: upstream.kind,
        sharing: upstream.sharing,
        namespace: entry.namespace ?? `${entry.id}.`,
      };
      try {
        const listing = await upstream.start();
        return {
          ...base,
          state: upstream.health().state,
          tools: listing.tools.length,
          resources: listing.resources.length + listing.resourceTemplates.length,
          prompts: listing.prompts.length,
        };
      } catch (cause) {
        return { ...base, state: "failed", error: cause instanceof Error ? cause.message : String(cause) };
      } finally {
        await upstream.close().catch(() => {});
      }
    }),
  );
  logger.flush();
  if (json) io.stdout(`${JSON.stringify(reports, null, 2)}\n`);
  else if (reports.length === 0) io.stdout("no upstreams configured\n");
  else for (const report of reports) io.stdout(`${line(report)}\n`);
  return reports.some((report) => report.error !== undefined) ? EXIT.failed : EXIT.ok;
}

function line(report: UpstreamReport): string {
  const head = `${report.id}  ${report.kind}  ${report.sharing}  namespace "${report.namespace}"  ${report.state}`;
  if (report.error !== undefined) return `${head}  error: ${report.error}`;
  return `${head}  tools ${report.tools}  resources ${report.resources}  prompts ${report.prompts}`;
}
