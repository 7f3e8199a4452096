/**
 * @module `mcp-runtime plugins list [--config FILE]`: each configured plugin's id, package and
 * version, the permissions its package.json asks for, what the operator's config grants, and
 * what is missing (a plugin with missing grants is refused at start-up).
 */
import { comparePermissions } from "@mcp-runtime/sandbox";
import { loadCommandConfig } from "../config-file.js";
import { resolvePlugin } from "../plugins/resolve.js";
import { type CliIo, EXIT, type ExitCode } from "./io.js";

const list = (items: readonly string[]) => (items.length === 0 ? "-" : items.join(", "));

export async function pluginsList(options: { config?: string }, io: CliIo): Promise<ExitCode> {
  const chosen = await loadCommandConfig(options.config === undefined ? [] : ["--config", options.config]);
  if (!chosen.ok) return chosen.exitCode === EXIT.usage ? EXIT.usage : EXIT.failed;
  const { loaded } = chosen;
  let refused = 0;
  for (const [index, entry] of loaded.config.plugins.entries()) {
    let resolved: Awaited<ReturnType<typeof resolvePlugin>>;
    try {
      resolved = await resolvePlugin(entry, loaded.baseDir);
    } catch (cause) {
      refused++;
      io.stdout(`plugins[${index}]: ${cause instanceof Error ? cause.message : String(cause)}\n\n`);
      continue;
    }
    const report = comparePermissions(resolved.permissions, entry.sandbox, resolved.config);
    const { asked, granted } = report;
    io.stdout(
      [
        `${resolved.id}  ${resolved.packageName ?? "(no package name)"}@${resolved.packageVersion ?? "?"}  sandbox: ${entry.sandbox.mode}`,
        `  asks:    fs.read ${list(asked.fs.read)}; fs.write ${list(asked.fs.write)}; net ${list(asked.net)}; env ${list(asked.env)}`,
        `  granted: fs.read ${list(granted.fs.read)}; fs.write ${list(granted.fs.write)}; net ${list(granted.net)}; env ${list(granted.env)}`,
        report.missing.length === 0
          ? "  status:  ok"
          : `  status:  REFUSED, missing ${report.missing.join("; ")}`,
        "",
        "",
      ].join("\n"),
    );
    if (report.missing.length > 0) refused++;
  }
  return refused > 0 ? EXIT.failed : EXIT.ok;
}
