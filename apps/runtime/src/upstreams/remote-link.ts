/**
 * @module A remote upstream over the official SDK's client transports (Streamable HTTP, or the
 * legacy HTTP+SSE endpoints), used only as I/O under our `McpClient`. Static headers go on every
 * request through `requestInit`; the runtime's OAuth token and the 2026-07-28 request headers are
 * added by fetch wrappers. A failed POST fails that request alone; a 404 (or a 400 that blames the
 * session, which SDK 1.x servers answer) on a request that carried `Mcp-Session-Id` is reported as
 * an expired session so the connection can re-initialize and retry.
 */
import { isRequest, type JsonRpcMessage, MetaKey } from "@mcp-runtime/protocol";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "../logger.js";
import { scrubSecrets, UpstreamError } from "./errors.js";
import type { Link, LinkSink } from "./link.js";

export interface RemoteLinkOptions {
  upstream: string;
  url: string;
  transport: "streamable" | "sse";
  headers: Readonly<Record<string, string>>;
  /** plain fetch, or one that adds the runtime's OAuth token */
  fetch: typeof fetch;
  logger: Logger;
}

type SdkTransport = StreamableHTTPClientTransport | SSEClientTransport;

export async function openRemoteLink(options: RemoteLinkOptions, sink: LinkSink): Promise<Link> {
  const url = new URL(options.url);
  const init = { requestInit: { headers: { ...options.headers } }, fetch: withModernHeaders(options.fetch) };
  const transport: SdkTransport =
    options.transport === "sse"
      ? new SSEClientTransport(url, init)
      : new StreamableHTTPClientTransport(url, init);
  const link = new RemoteLink(transport, options, sink);
  try {
    await transport.start();
  } catch (cause) {
    throw link.failure(cause);
  }
  return link;
}

class RemoteLink implements Link {
  readonly pid = undefined;
  private readonly transport: SdkTransport;
  private readonly options: RemoteLinkOptions;
  private readonly sink: LinkSink;
  private closed = false;

  constructor(transport: SdkTransport, options: RemoteLinkOptions, sink: LinkSink) {
    this.transport = transport;
    this.options = options;
    this.sink = sink;
    transport.onmessage = (message: JSONRPCMessage) => sink.message(message as JsonRpcMessage);
    transport.onerror = (error: Error) => {
      // Stream hiccups the SDK retries by itself; failed requests are reported through send().
      if (!this.closed)
        options.logger.debug({ msg: "upstream transport error", upstream: options.upstream, error });
    };
  }

  send(message: JsonRpcMessage): void {
    const sessionId =
      this.transport instanceof StreamableHTTPClientTransport ? this.transport.sessionId : undefined;
    this.transport.send(message as JSONRPCMessage).catch((cause: unknown) => {
      // The transport's onerror has logged it already.
      if (!this.closed && isRequest(message)) this.sink.sendFailed(message, this.failure(cause, sessionId));
    });
  }

  negotiated(protocolVersion: string): void {
    this.transport.setProtocolVersion(protocolVersion);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.transport instanceof StreamableHTTPClientTransport && this.transport.sessionId !== undefined) {
      // Spec: a client that is done with a session SHOULD DELETE it; a server may refuse (405).
      // Bounded: close() below aborts a DELETE that a hung server never answers.
      await Promise.race([this.transport.terminateSession().catch(() => {}), delay(2_000)]);
    }
    await this.transport.close().catch(() => {});
    this.sink.closed("connection closed");
  }

  /** An UpstreamError for a failed start or send; its message is safe to show downstream. */
  failure(cause: unknown, sessionId?: string): UpstreamError {
    const { upstream } = this.options;
    if (cause instanceof UpstreamError) return cause;
    const status = statusOf(cause);
    const text = cause instanceof Error ? cause.message : String(cause);
    const expired = sessionId !== undefined && (status === 404 || (status === 400 && /session/i.test(text)));
    if (expired)
      return new UpstreamError(
        "UPSTREAM_SESSION_EXPIRED",
        upstream,
        `upstream "${upstream}" session expired`,
        {
          cause,
          status,
        },
      );
    const detail = status === undefined ? networkDetail(cause) : `HTTP ${status}`;
    return new UpstreamError(
      "UPSTREAM_REQUEST_FAILED",
      upstream,
      `upstream "${upstream}" request failed (${detail})`,
      {
        cause,
        status,
      },
    );
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function statusOf(cause: unknown): number | undefined {
  if (cause instanceof StreamableHTTPError && typeof cause.code === "number" && cause.code > 0)
    return cause.code;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === "number" && code >= 100 && code < 600) return code;
  // SSEClientTransport reports POST failures only in the message.
  const match = /\(HTTP (\d{3})\)/.exec(cause instanceof Error ? cause.message : "");
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** `fetch failed` hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, ...). */
function networkDetail(cause: unknown): string {
  const inner = (cause as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (typeof inner === "string") return inner;
  return cause instanceof Error ? scrubSecrets(cause.message).slice(0, 200) : "network error";
}

const NAME_FIELD: Readonly<Record<string, string>> = {
  "tools/call": "name",
  "prompts/get": "name",
  "resources/read": "uri",
};
const PLAIN_HEADER = /^[\x20-\x7e]*$/;

/**
 * 2026-07-28 over HTTP wants `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` on each request,
 * which SDK 1.x transports do not send. Only bodies that carry the modern `_meta` are parsed.
 */
function withModernHeaders(base: typeof fetch): typeof fetch {
  return (input, init) => {
    const body = init?.body;
    if (init?.method !== "POST" || typeof body !== "string" || !body.includes(MetaKey.protocolVersion))
      return base(input, init);
    let message: { method?: unknown; params?: Record<string, unknown> };
    try {
      message = JSON.parse(body) as typeof message;
    } catch {
      return base(input, init);
    }
    const headers = new Headers(init.headers);
    const version = (message.params?._meta as Record<string, unknown> | undefined)?.[MetaKey.protocolVersion];
    if (typeof version === "string") headers.set("mcp-protocol-version", version);
    if (typeof message.method === "string") {
      headers.set("mcp-method", message.method);
      const field = NAME_FIELD[message.method];
      const name = field === undefined ? undefined : message.params?.[field];
      if (typeof name === "string")
        headers.set(
          "mcp-name",
          PLAIN_HEADER.test(name) ? name : `=?base64?${Buffer.from(name, "utf8").toString("base64")}?=`,
        );
    }
    return base(input, { ...init, headers });
  };
}
