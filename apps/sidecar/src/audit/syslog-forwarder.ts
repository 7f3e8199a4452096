/**
 * @module Forwards records as RFC 5424 syslog messages over TCP, framed by RFC 6587 octet counting
 * (`<length> <message>`, which survives newlines inside MSG). Reconnects with backoff when the collector
 * goes away; frames that were in the socket when it broke are counted as dropped.
 */
import { connect, type Socket } from "node:net";
import { hostname } from "node:os";
import type { ForwardRecord } from "./chain-encoder.js";
import { Backoff, delay, type Forwarder, type ForwarderSettings } from "./forward.js";

// Facility 13 ("log audit", RFC 5424 table 1) at severity 6 (informational): <13*8+6>.
const PRI = "<110>";
const APP_NAME = "mcp-sidecar";
// Frames joined into one socket write; bounds the size of what a broken connection can take with it.
const FRAMES_PER_WRITE = 256;

/** RFC 5424 HOSTNAME / MSGID: printable US-ASCII without spaces, bounded length, "-" when empty. */
export function syslogToken(value: string, maxLength: number): string {
  const token = value.replace(/[^\x21-\x7e]/g, "_").slice(0, maxLength);
  return token === "" ? "-" : token;
}

/** One octet-counted RFC 5424 frame: MSGID is the record type, MSG the record's JSON line (no BOM: MSG-ANY). */
export function syslogFrame(record: ForwardRecord, host: string, procId: string): string {
  const message = `${PRI}1 ${record.ts} ${host} ${APP_NAME} ${procId} ${syslogToken(record.type, 32)} - ${record.line}`;
  return `${Buffer.byteLength(message)} ${message}`;
}

export class SyslogForwarder implements Forwarder {
  readonly #host = syslogToken(hostname(), 255);
  readonly #procId = String(process.pid);
  readonly #backoff: Backoff;
  #frames: string[] = [];
  #socket: Socket | null = null;
  #connected = false;
  #awaitingDrain = false;
  #retry: NodeJS.Timeout | null = null;
  #closed = false;
  forwarded = 0;
  dropped = 0;

  constructor(
    private readonly collectorHost: string,
    private readonly collectorPort: number,
    private readonly settings: ForwarderSettings,
  ) {
    this.#backoff = new Backoff(settings.retryMinMs, settings.retryMaxMs);
  }

  get queued(): number {
    return this.#frames.length;
  }

  send(records: readonly ForwardRecord[]): void {
    if (this.#closed) {
      this.dropped += records.length;
      return;
    }
    for (const record of records) {
      if (this.#frames.length >= this.settings.maxQueue) this.dropped++;
      else this.#frames.push(syslogFrame(record, this.#host, this.#procId));
    }
    this.#pump();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    const socket = this.#socket;
    if (socket !== null) {
      const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
      this.#pump();
      socket.end();
      await Promise.race([closed, delay(this.settings.closeGraceMs)]);
      socket.destroy();
    }
    this.dropped += this.#frames.length;
    this.#frames = [];
  }

  #pump(): void {
    if (!this.#connected) {
      this.#connect();
      return;
    }
    const socket = this.#socket;
    if (socket === null || this.#awaitingDrain) return;
    while (this.#frames.length > 0) {
      const frames = this.#frames.splice(0, FRAMES_PER_WRITE);
      const count = frames.length;
      const accepted = socket.write(frames.join(""), (error) => {
        if (error) this.dropped += count;
        else this.forwarded += count;
      });
      if (!accepted) {
        this.#awaitingDrain = true;
        socket.once("drain", () => {
          this.#awaitingDrain = false;
          this.#pump();
        });
        return;
      }
    }
  }

  #connect(): void {
    if (this.#socket !== null || this.#retry !== null || this.#closed) return;
    const socket = connect({ host: this.collectorHost, port: this.collectorPort });
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    socket.on("connect", () => {
      this.#connected = true;
      this.#backoff.reset();
      this.#pump();
    });
    // Errors are followed by "close", where the reconnect is decided; nothing may escape as a crash.
    socket.on("error", () => {});
    socket.on("close", () => {
      this.#socket = null;
      this.#connected = false;
      this.#awaitingDrain = false;
      // Reconnect only with something to send: an idle sidecar does not poll a collector that is down.
      if (this.#closed || this.#frames.length === 0) return;
      this.#retry = setTimeout(() => {
        this.#retry = null;
        this.#pump();
      }, this.#backoff.next()).unref();
    });
  }
}
