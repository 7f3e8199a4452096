/**
 * @module Federation: the tools, resources and prompts of hosted MCP servers ("upstreams") in the
 * runtime's catalogue beside the plugins'. Tool and prompt names get the upstream's namespace; one
 * that another plugin or upstream already has refuses the whole upstream at load time, with both
 * owners named (a taken resource URI only leaves that resource out: `catalog-slots.ts`). Later list
 * changes of an upstream apply entry by entry (a colliding entry is left out and logged). A reload
 * starts new and changed upstreams beside the running ones and swaps the catalogue in one
 * synchronous step, as for plugins (`prepare`, `commit`, `retire`).
 */
import { isDeepStrictEqual } from "node:util";
import type { UpstreamEntry } from "@mcp-runtime/config";
import type { ChangeNotifier } from "@mcp-runtime/plugin-sdk";
import type { Catalog, ToolDescriptor } from "@mcp-runtime/protocol";
import type { Logger } from "../logger.js";
import type { RegisterHooks } from "../plugins/register.js";
import { ResultCache } from "../policy/result-cache.js";
import { Backoff } from "./backoff.js";
import { CatalogSlots, collision, countSlots, kindOf, slotKey } from "./catalog-slots.js";
import { type Item, itemsOf, type Slot } from "./entries.js";
import { FederationError } from "./federation-error.js";
import { type Launch, Member, type Registered, type UpstreamSwap } from "./members.js";
import type { CatalogKind, Upstream, UpstreamCatalog, UpstreamHealth } from "./types.js";

export interface FederationOptions {
  readonly catalog: Catalog;
  readonly notifier: ChangeNotifier;
  readonly hooks: RegisterHooks;
  readonly logger: Logger;
  /** Makes the supervised upstream of a config entry (not started). */
  create(entry: UpstreamEntry): Upstream;
  /** Awaited before a reload creates the upstreams of these entries (loads what `create` needs). */
  beforeCreate?(entries: readonly UpstreamEntry[]): Promise<void>;
  /** Who else holds a catalogue key (`plugin "echo"`), for collision messages. */
  ownerOf(slot: Slot, key: string): string | undefined;
  /** The registered upstream tools changed: metrics, caching and limits index them again. */
  changed(): void;
  /** False in a queue worker: upstream calls run inline on serving nodes, never as jobs. */
  readonly hosting?: boolean;
}

/** How long start-up waits for upstreams before it serves without the slow ones. */
const START_WAIT_MS = 15_000;

export class Federation {
  private membersList: Member[] = [];
  private readonly options: FederationOptions;
  private readonly watched = new WeakSet<Member>();
  /** started by the reload being committed (not members yet), for collision messages */
  private pending: readonly Member[] = [];
  private readonly slots: CatalogSlots;

  constructor(options: FederationOptions) {
    this.options = options;
    this.slots = new CatalogSlots(options.catalog, (item, taken, member) => {
      const key = slotKey(item.slot, item.key);
      const owns = (m: Member) => m !== member && m.registered.get(key)?.entry === taken;
      const other = this.membersList.find(owns) ?? this.pending.find(owns);
      return other?.owner ?? options.ownerOf(item.slot, item.key);
    });
  }

  get members(): readonly Member[] {
    return this.membersList;
  }

  /**
   * Start-up: registers the launched upstreams that started, waiting at most `waitMs` for them;
   * a slower one is registered when it comes up (clients hear `list_changed`). One that could
   * not start is retried in the background (with its restart backoff); one whose names collide is
   * refused and logged. None of this stops the runtime: which names a third-party server lists is
   * not in the operator's config, and one upstream must not take the node down (an upstream in
   * trouble shows in `/readyz`).
   */
  async start(launch: Launch, waitMs = START_WAIT_MS): Promise<void> {
    this.membersList = [...launch.members];
    for (const member of launch.members) member.log = this.options.logger;
    const settled = launch.members.map(() => false);
    const all = Promise.all(
      launch.starts.map((started, index) =>
        started.then(() => {
          settled[index] = true;
        }),
      ),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    launch.members.forEach((member, index) => {
      if (settled[index]) this.started(member);
      else {
        this.options.logger.warn({
          msg: "upstream still starting; serving without it for now",
          upstream: member.id,
        });
        void launch.starts[index]?.then(() => {
          this.started(member);
          this.options.changed();
        });
      }
    });
  }

  /** A first start ended: register the upstream, or retry it in the background. */
  private started(member: Member): void {
    if (!member.active) return;
    if (member.startError === undefined) {
      this.adopt(member);
      return;
    }
    this.options.logger.error({
      msg: "upstream cannot start",
      upstream: member.id,
      error: message(member.startError),
    });
    this.scheduleRetry(member, new Backoff(member.entry.restart));
  }

  /** Per-upstream health for `/readyz` (a refused upstream shows as failed, with the reason). */
  health(): UpstreamHealth[] {
    return this.membersList.map((member) => {
      const health = member.upstream.health();
      return member.refused === undefined
        ? health
        : { ...health, state: "failed", lastError: member.refused };
    });
  }

  /** Registered upstream tools and the upstream serving each (metrics, audit, caching). */
  *tools(): Iterable<{ upstream: string; descriptor: ToolDescriptor }> {
    for (const member of this.membersList)
      for (const { item } of member.registered.values())
        if (item.slot === "tools") yield { upstream: member.id, descriptor: item.descriptor };
  }

  /** A downstream session ended: per-session upstreams close the session that served it. */
  release(downstreamKey: string): void {
    for (const member of this.membersList)
      if (member.upstream.sharing === "perSession") member.upstream.release(downstreamKey);
  }

  /**
   * Reload, step 1: starts the upstreams whose entry is new or changed; throws (having closed
   * what it started) if any cannot start. The catalogue is not touched.
   */
  async prepare(wanted: readonly UpstreamEntry[]): Promise<UpstreamSwap> {
    const entries = this.options.hosting === false ? [] : wanted;
    const current = this.membersList;
    const next: Member[] = [];
    const started: Member[] = [];
    await this.options.beforeCreate?.(entries);
    for (const entry of entries) {
      const running = current.find((m) => m.id === entry.id);
      if (running !== undefined && sameEntry(running.entry, entry)) next.push(running);
      else {
        const member = new Member(entry, this.options.create(entry));
        member.log = this.options.logger;
        next.push(member);
        started.push(member);
      }
    }
    const outcomes = await Promise.allSettled(started.map((member) => this.listingOf(member)));
    const failed = outcomes.findIndex((outcome) => outcome.status === "rejected");
    if (failed >= 0) {
      await this.discard({ next, started, retired: [] });
      const member = started[failed] as Member; // failed indexes `started` (allSettled keeps order)
      const outcome = outcomes[failed] as PromiseRejectedResult;
      throw new FederationError(
        "ERR_UPSTREAM_START",
        member.id,
        `upstream "${member.id}" cannot start: ${message(outcome.reason)}`,
        {
          cause: outcome.reason,
        },
      );
    }
    return { next, started, retired: current.filter((member) => !next.includes(member)) };
  }

  /**
   * Reload, step 2 (synchronous): retired upstreams leave the catalogue, started ones join it.
   * On a collision everything is put back as it was and the error (naming both owners) is thrown.
   */
  commit(swap: UpstreamSwap): void {
    for (const member of swap.retired) this.slots.unregister(member);
    const done: Member[] = [];
    this.pending = swap.started;
    try {
      for (const member of swap.started) {
        this.register(member, this.latest(member) as UpstreamCatalog); // prepare started every one
        done.push(member);
      }
    } catch (cause) {
      for (const member of done) this.slots.unregister(member);
      for (const member of swap.retired) this.slots.restore(member);
      throw cause;
    } finally {
      this.pending = [];
    }
    for (const member of swap.retired) member.active = false;
    // A replaced or removed upstream's cached results go with it.
    const results = this.options.hooks.results;
    if (results !== undefined)
      for (const member of swap.retired) {
        void results.invalidate(ResultCache.pluginGroup(member.id, "tools"));
        void results.invalidate(ResultCache.pluginGroup(member.id, "resources"));
      }
    for (const member of swap.started) {
      member.adopted = true;
      this.watch(member);
    }
    this.membersList = swap.next;
    // Kept upstreams refused at start-up may fit now (the plugin they collided with may be gone).
    for (const member of swap.next) if (member.refused !== undefined && member.listing) this.adopt(member);
    this.options.changed();
  }

  /** Reload refused: closes what `prepare` started. */
  async discard(swap: UpstreamSwap): Promise<void> {
    for (const member of swap.started) member.active = false;
    await Promise.allSettled(swap.started.map((member) => member.upstream.close()));
  }

  /** Reload, step 3: replaced upstreams close once their calls are done (or their timeout passed). */
  async retire(swap: UpstreamSwap): Promise<void> {
    await Promise.allSettled(swap.retired.map((member) => this.closeWhenIdle(member)));
  }

  async close(): Promise<void> {
    const members = this.membersList;
    for (const member of members) {
      member.active = false;
      clearTimeout(member.retryTimer);
    }
    await Promise.allSettled(members.map((member) => member.upstream.close()));
  }

  // --- internals --------------------------------------------------------------------------------

  private async listingOf(member: Member): Promise<UpstreamCatalog> {
    member.listing = await member.upstream.start();
    return member.listing;
  }

  private scheduleRetry(member: Member, backoff: Backoff): void {
    if (!member.active) return;
    member.retryTimer = setTimeout(() => {
      member.retryTimer = undefined;
      if (!member.active) return;
      // A supervisor's failed first start is final: the retry gets a fresh one.
      void member.upstream.close().catch(() => {});
      member.upstream = this.options.create(member.entry);
      this.listingOf(member).then(
        () => {
          member.startError = undefined;
          if (!member.active) return;
          this.options.logger.info({
            msg: "upstream started",
            upstream: member.id,
            attempts: backoff.attempts,
          });
          this.adopt(member);
          this.options.changed();
        },
        (cause: unknown) => {
          this.options.logger.warn({
            msg: "upstream still cannot start",
            upstream: member.id,
            error: message(cause),
          });
          this.scheduleRetry(member, backoff);
        },
      );
    }, backoff.next());
    member.retryTimer.unref();
  }

  /** Registers a started member, or refuses it (logged) on a collision. */
  /** All of a listing's names, or none (throws); taken resource URIs are left out and logged. */
  private register(member: Member, listing: UpstreamCatalog): void {
    const left = this.slots.register(member, itemsOf(member, listing, this.options.hooks));
    for (const reason of left)
      this.options.logger.warn({ msg: "upstream resource left out", upstream: member.id, reason });
  }

  private adopt(member: Member): void {
    const listing = this.latest(member);
    if (listing === undefined || !member.active) return;
    // Watched even when refused: a later list change may resolve the collision.
    this.watch(member);
    try {
      this.register(member, listing);
      member.refused = undefined;
      member.adopted = true;
      clearTimeout(member.retryTimer);
    } catch (cause) {
      member.refused = message(cause);
      this.options.logger.error({ msg: "upstream refused", upstream: member.id, error: member.refused });
      return;
    }
    const counts = countSlots(member);
    this.options.logger.info({
      msg: "upstream loaded",
      upstream: member.id,
      kind: member.upstream.kind,
      sharing: member.upstream.sharing,
      ...counts,
    });
  }

  /**
   * The upstream's latest listing: it may have listed again (after a `list_changed` that came
   * before anyone watched) since its start resolved.
   */
  private latest(member: Member): UpstreamCatalog | undefined {
    if (member.listing === undefined) return undefined;
    try {
      member.listing = member.upstream.catalog();
    } catch {
      // not started after all (closed meanwhile): keep what start returned
    }
    return member.listing;
  }

  private watch(member: Member): void {
    if (this.watched.has(member)) return;
    this.watched.add(member);
    member.upstream.onCatalogChanged((listing, kinds) => this.listChanged(member, listing, kinds));
    member.upstream.onResourceUpdated((uri) => this.resourceUpdated(member, uri));
  }

  /**
   * The upstream listed again after a `list_changed`: entries that went or changed leave, new and
   * changed ones join (the catalogue tells clients), a colliding one is left out and logged. Cached
   * results of the changed kinds are dropped first.
   */
  private listChanged(member: Member, listing: UpstreamCatalog, kinds: readonly CatalogKind[]): void {
    if (!member.active) return;
    member.listing = listing;
    const results = this.options.hooks.results;
    if (results !== undefined)
      for (const kind of kinds)
        if (kind !== "prompts") void results.invalidate(ResultCache.pluginGroup(member.id, kind));
    if (!member.adopted) {
      this.adopt(member);
      this.options.changed();
      return;
    }
    const items = itemsOf(member, listing, this.options.hooks);
    const wanted = new Map(items.map((item) => [slotKey(item.slot, item.key), item]));
    const gone = new Set<string>();
    for (const [key, { item }] of member.registered) {
      const next = wanted.get(key);
      if (next === undefined || !sameDescriptor(next, item)) gone.add(key);
      else wanted.delete(key); // unchanged: keep its entry
    }
    const moved = new Set<CatalogKind>();
    if (gone.size > 0) {
      for (const key of gone) moved.add(kindOf((member.registered.get(key) as Registered).item.slot)); // key comes from registered
      this.slots.drop(member, gone);
    }
    for (const item of wanted.values()) {
      const holder = this.slots.holderOf(item, member);
      if (holder !== undefined) {
        const refusal = collision(member, item, holder).message;
        this.options.logger.error({ msg: "upstream entry refused", upstream: member.id, error: refusal });
        continue;
      }
      this.slots.add(member, item);
      moved.add(kindOf(item.slot));
    }
    // The catalogue told clients about what it changed; content behind unchanged names may have
    // moved too (the upstream said so), and those lists are announced here.
    for (const kind of kinds) if (!moved.has(kind)) this.options.notifier.listChanged(kind);
    this.options.changed();
  }

  private resourceUpdated(member: Member, uri: string): void {
    if (!member.active) return;
    const results = this.options.hooks.results;
    if (results === undefined) this.options.notifier.resourceUpdated(uri);
    else
      void results
        .invalidate(ResultCache.uriGroup(uri))
        .then(() => this.options.notifier.resourceUpdated(uri));
  }

  private async closeWhenIdle(member: Member): Promise<void> {
    member.active = false;
    clearTimeout(member.retryTimer);
    const deadline = Date.now() + member.entry.timeoutMs;
    while (member.inFlight > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await member.upstream.close();
  }
}

function sameDescriptor(a: Item, b: Item): boolean {
  return isDeepStrictEqual(a.descriptor, b.descriptor);
}

function sameEntry(a: UpstreamEntry, b: UpstreamEntry): boolean {
  return isDeepStrictEqual(a, b);
}

function message(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
