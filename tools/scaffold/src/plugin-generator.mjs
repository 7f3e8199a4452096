/**
 * @module The `@mcp-runtime/scaffold:plugin` Nx generator: writes the files of
 * `mcp-runtime init plugin` (rendered by @mcp-runtime/runtime, their one source of truth) into the
 * Nx Tree under plugins/<name>, then formats them with the workspace's formatter.
 *
 * usage: npx nx g @mcp-runtime/scaffold:plugin weather [--description "..."] [--directory plugins/x] [--dry-run]
 */
import { formatFiles, joinPathFragments, logger } from "@nx/devkit";

/**
 * @param {import("@nx/devkit").Tree} tree
 * @param {{ name: string; description?: string; directory?: string; force?: boolean }} options
 */
export default async function pluginGenerator(tree, options) {
  // Imported here, not at the top: Nx may load this file with require(), and the runtime is ESM.
  const { checkPluginName, renderPluginFiles } = await import("@mcp-runtime/runtime");
  const names = checkPluginName(options.name);
  if (!names.ok) throw new TypeError(names.message);
  const dir = options.directory ?? joinPathFragments("plugins", names.name);
  if (!options.force && tree.exists(dir) && tree.children(dir).length > 0) {
    throw new Error(`${dir} exists and is not empty (pass --force to write over it)`);
  }
  const files = renderPluginFiles({
    name: options.name,
    ...(options.description === undefined ? {} : { description: options.description }),
    dir: `./${dir}`,
  });
  for (const [path, text] of files) tree.write(joinPathFragments(dir, path), text);
  await formatFiles(tree);
  return () => {
    logger.info(
      [
        `created plugin ${names.name} (package ${names.package}, tool ${names.tool}) in ${dir}`,
        "next: npm install (links the new workspace package), then",
        `  npx nx run ${names.package}:build && npx nx run ${names.package}:test`,
        `  and add it to mcp-runtime.yaml: plugins: [{ path: ./${dir} }]`,
      ].join("\n"),
    );
  };
}
