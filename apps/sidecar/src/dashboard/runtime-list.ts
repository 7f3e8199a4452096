/**
 * @module The connected runtimes as the page lists them, with staleness (no status frame for
 * `STALE_MS`) worked out at view time, and a cheap signature so a frame carries the list only
 * when a runtime came, went, reported, or went stale.
 */
import type { RuntimeInfo } from "../runtime-hub.js";
import type { RuntimeView } from "./protocol.js";

export const STALE_MS = 5_000;

export class RuntimeList {
  constructor(
    private readonly list: () => RuntimeInfo[],
    private readonly version: () => number,
  ) {}

  views(now: number): RuntimeView[] {
    return this.list().map((runtime) => {
      const view: RuntimeView = {
        node: runtime.node,
        remote: runtime.remote,
        connectedAt: runtime.connectedAt,
        stale: isStale(runtime, now),
      };
      if (runtime.status !== undefined) view.status = runtime.status;
      return view;
    });
  }

  signature(now: number): string {
    let stale = "";
    for (const runtime of this.list()) stale += isStale(runtime, now) ? "1" : "0";
    return `${this.version()}:${stale}`;
  }
}

function isStale(runtime: RuntimeInfo, now: number): boolean {
  return now - (runtime.statusAt || runtime.connectedAt) > STALE_MS;
}
