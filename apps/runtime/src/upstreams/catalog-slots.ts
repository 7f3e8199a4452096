/**
 * @module One upstream's entries in the protocol catalogue: added (all of its names, or none),
 * removed, put back after a refused reload, and who holds a key already when two owners want it.
 */
import type {
  Catalog,
  CatalogKind,
  PromptEntry,
  ResourceEntry,
  ResourceTemplateEntry,
  ToolEntry,
} from "@mcp-runtime/protocol";
import type { Item, Slot } from "./entries.js";
import { FederationError } from "./federation-error.js";
import type { CatalogEntry, Member } from "./members.js";

export const slotKey = (slot: Slot, key: string): string => `${slot}\0${key}`;

const WHAT: Record<Slot, string> = {
  tools: "tool",
  resources: "resource",
  templates: "resource template",
  prompts: "prompt",
};

export function collision(member: Member, item: Item, holder: string): FederationError {
  return new FederationError(
    "ERR_UPSTREAM_COLLISION",
    member.id,
    `${WHAT[item.slot]} "${item.key}" of ${member.owner} is already registered by ${holder}`,
  );
}

export function kindOf(slot: Slot): CatalogKind {
  return slot === "templates" ? "resources" : slot;
}

export function countSlots(member: Member): Record<Slot, number> {
  const counts: Record<Slot, number> = { tools: 0, resources: 0, templates: 0, prompts: 0 };
  for (const { item } of member.registered.values()) counts[item.slot]++;
  return counts;
}

export class CatalogSlots {
  constructor(
    private readonly catalog: Catalog,
    /** the other owner (another upstream, a plugin) of the entry that has a key, for messages */
    private readonly ownerOf: (item: Item, taken: CatalogEntry, member: Member) => string | undefined,
  ) {}

  /**
   * A listing's tools and prompts all go in, or nothing does: a name another owner holds throws a
   * `FederationError` naming both. A resource or template whose URI is taken is only left out
   * (returned, to be logged): URIs are the upstream's own and global, so the same server hosted
   * twice (over two transports, say) lists the same ones, and the first owner keeps serving them.
   */
  register(member: Member, items: readonly Item[]): string[] {
    const seen = new Set<string>();
    const kept: Item[] = [];
    const left: string[] = [];
    for (const item of items) {
      const key = slotKey(item.slot, item.key);
      const holder = seen.has(key) ? `${member.owner} itself (listed twice)` : this.holderOf(item, member);
      seen.add(key);
      if (holder === undefined) kept.push(item);
      else if (item.slot === "tools" || item.slot === "prompts") throw collision(member, item, holder);
      else left.push(collision(member, item, holder).message);
    }
    try {
      for (const item of kept) this.add(member, item);
    } catch (cause) {
      this.unregister(member);
      member.registered.clear();
      throw cause;
    }
    return left;
  }

  /** Who holds an item's key in the catalogue already (other than `member`), if anyone. */
  holderOf(item: Item, member: Member): string | undefined {
    const { catalog } = this;
    const taken =
      item.slot === "tools"
        ? catalog.tool(item.key)
        : item.slot === "resources"
          ? catalog.resource(item.key)
          : item.slot === "templates"
            ? catalog.resourceTemplate(item.key)
            : catalog.prompt(item.key);
    if (taken === undefined) return undefined;
    if (member.registered.get(slotKey(item.slot, item.key))?.entry === taken) return undefined;
    return this.ownerOf(item, taken, member) ?? "another entry";
  }

  add(member: Member, item: Item): void {
    const entry = item.make();
    this.put(item.slot, entry);
    member.registered.set(slotKey(item.slot, item.key), { item, entry });
  }

  /** Removes the member's entries (it keeps the record, so `restore` can put them back). */
  unregister(member: Member): void {
    const keys = member.registered;
    if (keys.size === 0) return;
    this.catalog.remove((key, kind) => keys.has(slotKey(kind, key)));
  }

  /** Removes some of the member's entries (and forgets them). */
  drop(member: Member, keys: ReadonlySet<string>): void {
    for (const key of keys) member.registered.delete(key);
    this.catalog.remove((key, kind) => keys.has(slotKey(kind, key)));
  }

  restore(member: Member): void {
    for (const { item, entry } of member.registered.values()) this.put(item.slot, entry);
  }

  private put(slot: Slot, entry: CatalogEntry): void {
    const { catalog } = this;
    if (slot === "tools") catalog.addTool(entry as ToolEntry);
    else if (slot === "resources") catalog.addResource(entry as ResourceEntry);
    else if (slot === "templates") catalog.addResourceTemplate(entry as ResourceTemplateEntry);
    else catalog.addPrompt(entry as PromptEntry);
  }
}
