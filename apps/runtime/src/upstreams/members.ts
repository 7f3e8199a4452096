/**
 * @module The federation's record of each configured upstream (`Member`): its supervisor, its
 * namespace, what it put in the catalogue and its calls in flight; and the start-up launch that
 * starts every upstream before the catalogue and the policy exist.
 */
import type { UpstreamEntry } from "@mcp-runtime/config";
import type { PromptEntry, ResourceEntry, ResourceTemplateEntry, ToolEntry } from "@mcp-runtime/protocol";
import type { Logger } from "../logger.js";
import type { EntrySource, Item } from "./entries.js";
import type { Upstream, UpstreamCatalog } from "./types.js";

export type CatalogEntry = ToolEntry | ResourceEntry | ResourceTemplateEntry | PromptEntry;

export interface Registered {
  item: Item;
  /** the entry in the catalogue (a change of the upstream's listing is checked against it) */
  entry: CatalogEntry;
}

/** One configured upstream as the federation tracks it. */
export class Member implements EntrySource {
  readonly id: string;
  readonly prefix: string;
  inFlight = 0;
  /** what it has in the catalogue, by `slot\0key` */
  readonly registered = new Map<string, Registered>();
  /** why it has nothing in the catalogue (a collision), while that holds */
  refused: string | undefined;
  /** its listing once started; undefined while it has not started yet */
  listing: UpstreamCatalog | undefined;
  /** why its first start failed (it is being retried) */
  startError: unknown;
  /** true once its entries went into the catalogue (list changes then apply entry by entry) */
  adopted = false;
  /** false once replaced, removed or closed: its late notices are ignored */
  active = true;
  retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** where relayed failures' full text goes (the client gets it scrubbed); set by the federation */
  log: Logger | undefined;

  constructor(
    readonly entry: UpstreamEntry,
    /** replaced by a fresh one while its first start is retried (a failed start is final) */
    public upstream: Upstream,
  ) {
    this.id = entry.id;
    this.prefix = entry.namespace ?? `${entry.id}.`;
  }

  get owner(): string {
    return `upstream "${this.id}"`;
  }
}

/** Starts upstreams beside the running ones (reload) or at start-up; the catalogue is not touched. */
export interface UpstreamSwap {
  /** the members in the new config's order */
  next: Member[];
  started: Member[];
  retired: Member[];
}

/** Upstreams being started (before the catalogue and the policy exist), for `Federation.start`. */
export interface Launch {
  readonly members: readonly Member[];
  /** per member (same order): settles when its first start succeeded or failed (never rejects) */
  readonly starts: readonly Promise<void>[];
}

/**
 * Creates and starts the configured upstreams at once; `create` throwing (a programming error)
 * throws here. Close them with `closeLaunch` if the runtime does not start.
 */
export function launchUpstreams(
  entries: readonly UpstreamEntry[],
  create: (entry: UpstreamEntry) => Upstream,
): Launch {
  const members = entries.map((entry) => new Member(entry, create(entry)));
  const starts = members.map((member) =>
    member.upstream.start().then(
      (listing) => {
        member.listing = listing;
      },
      (cause: unknown) => {
        member.startError = cause ?? new Error("start failed");
      },
    ),
  );
  return { members, starts };
}

export async function closeLaunch(launch: Launch): Promise<void> {
  for (const member of launch.members) member.active = false;
  await Promise.allSettled(launch.members.map((member) => member.upstream.close()));
}
