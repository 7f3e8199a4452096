/**
 * @module Raw HTTP for the tests (node:http, so Host and Origin can be set freely), an SSE reader,
 * and builders of 2025-era and 2026-07-28 requests.
 */
import { type IncomingHttpHeaders, request } from "node:http";

export const MODERN = "2026-07-28";
export const MODERN_META = {
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "test", version: "1.0.0" },
};

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  /** the body as received (still compressed when the server compressed it) */
  body: Buffer;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience for reading JSON bodies
  json: any;
}

export interface SendOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** raw body text (sent verbatim) */
  raw?: string | Buffer;
}

export function send(base: URL, options: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path: options.path ?? base.pathname,
        method: options.method ?? "POST",
        headers: {
          accept: "application/json, text/event-stream",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const text = raw.toString("utf8");
          let json: unknown;
          try {
            json =
              text.length > 0 && res.headers["content-type"]?.includes("json") ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw, text, json });
        });
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON-RPC message
  message: any;
}

export interface OpenStream {
  status: number;
  headers: IncomingHttpHeaders;
  events: SseEvent[];
  /** raw text received (comments included) */
  raw(): string;
  /** resolves once at least `count` events arrived */
  waitFor(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** resolves when the server ends the response */
  ended: Promise<void>;
  close(): void;
}

/** Sends a request and reads its response as an SSE stream as it arrives. */
export function openStream(base: URL, options: SendOptions = {}): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request({
      host: base.hostname,
      port: base.port,
      path: options.path ?? base.pathname,
      method: options.method ?? "POST",
      headers: {
        accept: "application/json, text/event-stream",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...options.headers,
      },
    });
    req.on("response", (res) => {
      const events: SseEvent[] = [];
      let buffer = "";
      let all = "";
      let waiters: (() => void)[] = [];
      let endResolve: () => void = () => {};
      const ended = new Promise<void>((r) => {
        endResolve = r;
      });
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        all += chunk;
        buffer += chunk;
        let cut = buffer.indexOf("\n\n");
        while (cut !== -1) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event: SseEvent = { data: "", message: undefined };
          let isEvent = false;
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) continue;
            const colon = line.indexOf(":");
            const field = colon === -1 ? line : line.slice(0, colon);
            const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "id") event.id = value;
            else if (field === "event") event.event = value;
            else if (field === "data") {
              event.data += value;
              isEvent = true;
            }
          }
          if (isEvent) {
            try {
              event.message = JSON.parse(event.data);
            } catch {
              event.message = undefined;
            }
            events.push(event);
            const w = waiters;
            waiters = [];
            for (const fn of w) fn();
          }
          cut = buffer.indexOf("\n\n");
        }
      });
      res.on("end", () => endResolve());
      res.on("close", () => endResolve());
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        raw: () => all,
        ended,
        waitFor(count, timeoutMs = 5000) {
          return new Promise((ok, fail) => {
            const timer = setTimeout(
              () => fail(new Error(`timed out waiting for ${count} events; got ${events.length}`)),
              timeoutMs,
            );
            const check = () => {
              if (events.length >= count) {
                clearTimeout(timer);
                ok(events);
              } else waiters.push(check);
            };
            check();
          });
        },
        close: () => {
          req.destroy();
          res.destroy();
        },
      });
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

let nextId = 1;

export function rpc(method: string, params?: Record<string, unknown>, id: string | number = nextId++) {
  return params === undefined ? { jsonrpc: "2.0", id, method } : { jsonrpc: "2.0", id, method, params };
}

/** A 2026-07-28 request and the headers that go with it. */
export function modern(
  method: string,
  params: Record<string, unknown> = {},
  extra: { meta?: Record<string, unknown>; name?: string; id?: string | number } = {},
): { body: ReturnType<typeof rpc>; headers: Record<string, string> } {
  const body = rpc(method, { ...params, _meta: { ...MODERN_META, ...extra.meta } }, extra.id ?? nextId++);
  const headers: Record<string, string> = { "mcp-protocol-version": MODERN, "mcp-method": method };
  const name =
    extra.name ??
    (typeof params.name === "string" ? params.name : typeof params.uri === "string" ? params.uri : undefined);
  if (name !== undefined) headers["mcp-name"] = name;
  return { body, headers };
}

export const INITIALIZE = (version = "2025-11-25") =>
  rpc("initialize", {
    protocolVersion: version,
    capabilities: {},
    clientInfo: { name: "test", version: "1.0.0" },
  });

/** Opens a 2025-era session; returns its id. */
export async function openSession(base: URL, version = "2025-11-25"): Promise<string> {
  const reply = await send(base, { body: INITIALIZE(version) });
  const id = reply.headers["mcp-session-id"];
  if (reply.status !== 200 || typeof id !== "string")
    throw new Error(`initialize failed: ${reply.status} ${reply.text}`);
  return id;
}

export function sessionHeaders(sessionId: string, version = "2025-11-25"): Record<string, string> {
  return { "mcp-session-id": sessionId, "mcp-protocol-version": version };
}

/** Sends a request and hands back the ClientRequest (to abort it mid-flight); the reply is ignored. */
export function fire(base: URL, options: SendOptions = {}): import("node:http").ClientRequest {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const req = request({
    host: base.hostname,
    port: base.port,
    path: options.path ?? base.pathname,
    method: options.method ?? "POST",
    headers: {
      accept: "application/json, text/event-stream",
      "content-type": "application/json",
      ...options.headers,
    },
  });
  req.on("error", () => {});
  req.on("response", (res) => res.resume());
  if (body !== undefined) req.write(body);
  req.end();
  return req;
}
