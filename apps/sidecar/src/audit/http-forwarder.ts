/**
 * @module Forwards records to an HTTP collector: one POST of a JSON array per batch. Retries the same
 * batch with backoff on network errors, 408, 429 and 5xx; drops (and counts) a batch the collector
 * refuses with another status, since resending it would be refused again.
 */
import type { ForwardRecord } from "./chain-encoder.js";
import { Backoff, delay, type Forwarder, type ForwarderSettings } from "./forward.js";

const MAX_RECORDS_PER_POST = 500;
const REQUEST_TIMEOUT_MS = 10_000;

type PostOutcome = "sent" | "retry" | "refused";

export class HttpForwarder implements Forwarder {
  readonly #headers: Record<string, string>;
  readonly #backoff: Backoff;
  #records: ForwardRecord[] = [];
  #running: Promise<void> | null = null;
  #retry: NodeJS.Timeout | null = null;
  #closed = false;
  readonly #abort = new AbortController();
  forwarded = 0;
  dropped = 0;

  constructor(
    private readonly url: string,
    headers: Record<string, string>,
    private readonly settings: ForwarderSettings,
  ) {
    this.#headers = { "content-type": "application/json", ...headers };
    this.#backoff = new Backoff(settings.retryMinMs, settings.retryMaxMs);
  }

  get queued(): number {
    return this.#records.length;
  }

  send(records: readonly ForwardRecord[]): void {
    if (this.#closed) {
      this.dropped += records.length;
      return;
    }
    const room = Math.max(0, this.settings.maxQueue - this.#records.length);
    if (records.length > room) this.dropped += records.length - room;
    for (let index = 0; index < Math.min(room, records.length); index++) {
      this.#records.push(records[index] as ForwardRecord); // index < records.length
    }
    this.#pump();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    const running = this.#running;
    if (running !== null) {
      await Promise.race([running, delay(this.settings.closeGraceMs)]);
      this.#abort.abort();
      await running;
    }
    this.dropped += this.#records.length;
    this.#records = [];
  }

  #pump(): void {
    if (this.#running !== null || this.#retry !== null) return;
    this.#running = this.#run().finally(() => {
      this.#running = null;
    });
  }

  async #run(): Promise<void> {
    while (this.#records.length > 0) {
      // The batch stays at the head of the queue until it is sent or refused, so it counts against maxQueue.
      const batch = this.#records.slice(0, MAX_RECORDS_PER_POST);
      const outcome = await this.#post(batch);
      if (outcome === "retry") {
        if (this.#closed) return;
        this.#retry = setTimeout(() => {
          this.#retry = null;
          this.#pump();
        }, this.#backoff.next()).unref();
        return;
      }
      this.#records.splice(0, batch.length);
      if (outcome === "sent") {
        this.forwarded += batch.length;
        this.#backoff.reset();
      } else {
        this.dropped += batch.length;
      }
    }
  }

  async #post(batch: readonly ForwardRecord[]): Promise<PostOutcome> {
    try {
      const response = await fetch(this.url, {
        method: "POST",
        headers: this.#headers,
        // Each line is already a JSON object, so the array is built without re-serialising.
        body: `[${batch.map((record) => record.line).join(",")}]`,
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return "sent";
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      return retryable ? "retry" : "refused";
    } catch {
      return "retry";
    }
  }
}
