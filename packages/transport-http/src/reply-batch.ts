/**
 * @module Uncompressed JSON replies are written together at the end of the event loop's turn (its
 * check phase) rather than one by one as each is ready. The loop then reads every request that
 * arrived before it writes any reply, and one turn's replies leave in one burst: fewer wake-ups
 * of the peers and the kernel per reply. Measured on 2 cores, server on one (wrk, 32 connections):
 * sandboxed echo +16 % req/s, cached `resources/read` (answered in the turn its request was read)
 * +60 %, p99 lower in both.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

export class ReplyBatch {
  /** flat (response, status, headers, body) quadruples: no object per reply */
  private pending: unknown[] = [];
  private scheduled = false;
  private readonly flush = (): void => {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    for (let i = 0; i < batch.length; i += 4) {
      const res = batch[i] as ServerResponse;
      // Answered meanwhile (a later refusal went first) or the client left: nothing to write.
      if (res.headersSent || res.destroyed) continue;
      res.writeHead(batch[i + 1] as number, batch[i + 2] as OutgoingHttpHeaders);
      res.end(batch[i + 3] as string);
    }
  };

  add(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string): void {
    this.pending.push(res, status, headers, body);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }
}
