/**
 * @module What a new plugin is called: the npm package name as given (bare or scoped, checked
 * against npm's rules), the plugin's own name (the unscoped part, without a `plugin-` or
 * `mcp-plugin-` prefix, as `@mcp-runtime/plugin-echo` is `echo`) and its tool's name.
 */
import { builtinModules } from "node:module";

export interface PluginNames {
  /** the npm package name, as given */
  package: string;
  /** `definePlugin({ name })`, the plugin id in a config and the folder name */
  name: string;
  /** the one tool the template offers */
  tool: string;
}

export type PluginNameCheck = ({ ok: true } & PluginNames) | { ok: false; message: string };

// npm's rules for new packages (validate-npm-package-name): lowercase URL-safe characters (no
// ~'!()*), an optional scope, no leading dot or underscore, at most 214 characters, not a core module.
const NPM_NAME = /^(?:@([a-z0-9-][a-z0-9-._]*)\/)?([a-z0-9-][a-z0-9-._]*)$/;
const PREFIXES = ["mcp-plugin-", "plugin-"] as const;
const RESERVED = new Set(["node_modules", "favicon.ico"]);

export function checkPluginName(given: string): PluginNameCheck {
  const fail = (why: string): PluginNameCheck => ({
    ok: false,
    message: `invalid plugin name ${JSON.stringify(given)}: ${why}`,
  });
  if (given.length === 0) return fail("it is empty");
  if (given.length > 214) return fail("an npm package name has at most 214 characters");
  if (given.trim() !== given) return fail("it has leading or trailing spaces");
  if (given.toLowerCase() !== given) return fail("an npm package name is lowercase");
  const match = NPM_NAME.exec(given);
  const bare = match?.[2];
  if (bare === undefined) {
    return fail(
      "use lowercase letters, digits, '-', '.' or '_' (not first: '.' or '_'), optionally scoped as @scope/name",
    );
  }
  if (RESERVED.has(bare) || builtinModules.includes(bare)) return fail(`"${bare}" is a reserved name`);
  const prefix = PREFIXES.find((p) => bare.startsWith(p) && bare.length > p.length);
  const name = prefix === undefined ? bare : bare.slice(prefix.length);
  // Every character left is valid in an MCP tool name ([A-Za-z0-9_.-]).
  const tool = `${name}_greet`;
  return { ok: true, package: given, name, tool };
}
