/**
 * @module The catalog a config serves now: its runtime started in this process (as `serve` would
 * run it), listed through the protocol server as a client sees it, each entry traced to the plugin
 * or upstream that provides it (package.json version; the upstream's serverInfo.version).
 */

import type { LocalRuntimeOptions } from "../local/local-runtime.js";
import type { LoadedPlugin } from "../plugins/load.js";
import type { Upstream } from "../upstreams/types.js";
import { RUNTIME_VERSION } from "../version.js";
import { buildCatalog, type CatalogInputs } from "./build.js";
import type { CatalogDocument, CatalogSource } from "./document.js";

export interface LiveCatalog {
  document: CatalogDocument;
  /** the config file the runtime was started from, if any */
  configFile: string | undefined;
}

export async function liveCatalog(options: LocalRuntimeOptions): Promise<LiveCatalog> {
  const { launchLocalRuntime } = await import("../local/local-runtime.js");
  const parts = await launchLocalRuntime(options);
  const { handle, runtime } = parts;
  try {
    const [tools, resources, resourceTemplates, prompts] = await Promise.all([
      handle.listTools(),
      handle.listResources(),
      handle.listResourceTemplates(),
      handle.listPrompts(),
    ]);
    const owners = new Owners(runtime.plugins, runtime.config.upstreams, parts.upstreams);
    const inputs: CatalogInputs = {
      tools: tools.map((descriptor) => ({ descriptor, source: owners.of("tools", descriptor.name) })),
      resources: resources.map((descriptor) => ({
        descriptor,
        source: owners.of("resources", descriptor.uri),
      })),
      resourceTemplates: resourceTemplates.map((descriptor) => ({
        descriptor,
        source: owners.of("templates", descriptor.uriTemplate),
      })),
      prompts: prompts.map((descriptor) => ({ descriptor, source: owners.of("prompts", descriptor.name) })),
    };
    return { document: buildCatalog(inputs), configFile: handle.configFile };
  } finally {
    await handle.close();
  }
}

type Slot = "tools" | "resources" | "templates" | "prompts";

/** Which plugin or upstream registered each catalogue key (names as clients see them). */
class Owners {
  private readonly owners = new Map<string, CatalogSource>();

  constructor(
    plugins: readonly LoadedPlugin[],
    entries: readonly { id: string; namespace?: string | undefined }[],
    upstreams: ReadonlyMap<string, Upstream>,
  ) {
    for (const { resolved, host } of plugins) {
      const { manifest } = host;
      const source: CatalogSource = {
        kind: "plugin",
        id: resolved.id,
        package: resolved.packageName ?? resolved.id,
        // package.json is what operators install and bump; the plugin's own field is the fallback.
        version: resolved.packageVersion ?? manifest.version,
      };
      for (const tool of manifest.tools) this.set("tools", tool.name, source);
      for (const resource of manifest.resources) this.set("resources", resource.uri, source);
      for (const template of manifest.resourceTemplates) this.set("templates", template.uriTemplate, source);
      for (const prompt of manifest.prompts) this.set("prompts", prompt.name, source);
    }
    for (const entry of entries) {
      const upstream = upstreams.get(entry.id);
      if (upstream === undefined) continue;
      let listing: ReturnType<Upstream["catalog"]>;
      try {
        listing = upstream.catalog();
      } catch {
        continue; // never started: it has nothing in the catalogue either
      }
      const version = listing.server.serverInfo?.version;
      const source: CatalogSource =
        version === undefined
          ? { kind: "upstream", id: entry.id }
          : { kind: "upstream", id: entry.id, version };
      // Tool and prompt names get the upstream's namespace (as federation registers them); URIs do not.
      const prefix = entry.namespace ?? `${entry.id}.`;
      for (const tool of listing.tools) this.set("tools", `${prefix}${tool.name}`, source, false);
      for (const resource of listing.resources) this.set("resources", resource.uri, source, false);
      for (const template of listing.resourceTemplates)
        this.set("templates", template.uriTemplate, source, false);
      for (const prompt of listing.prompts) this.set("prompts", `${prefix}${prompt.name}`, source, false);
    }
  }

  of(slot: Slot, key: string): CatalogSource {
    return (
      this.owners.get(`${slot}\u0000${key}`) ?? {
        kind: "runtime",
        id: "mcp-runtime",
        version: RUNTIME_VERSION,
      }
    );
  }

  /** A plugin keeps a key an upstream also lists: the federation leaves the upstream's out. */
  private set(slot: Slot, key: string, source: CatalogSource, replace = true): void {
    const id = `${slot}\u0000${key}`;
    if (replace || !this.owners.has(id)) this.owners.set(id, source);
  }
}
