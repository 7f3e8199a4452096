/** @module Test fixture: a real HTTP server on 127.0.0.1 port 0 with one route per kind of response, and a plugin instance. */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { CallToolResult } from "@mcp-runtime/plugin-sdk";
import { createTestCallContext, type HostCallContext, PluginInstance } from "@mcp-runtime/plugin-sdk/host";
import plugin from "../src/index.js";

export const PAGE_HTML = readFileSync(new URL("./fixtures/page.html.txt", import.meta.url), "utf8");
export const LARGE_SIZE = 200_000;
/** Bytes 0-9 repeated: any prefix is predictable. */
export const LARGE_BODY = "0123456789".repeat(LARGE_SIZE / 10);
/**
 * A ~1 MB article page under the default 1 MiB maxBytes: 2,350 sections with a heading, a
 * paragraph with inline markup and a relative link, a list and a small table.
 */
export const BIG_SECTIONS = 2_350;
export const BIG_HTML = `<!doctype html><html><head><title>Big page</title></head><body><main>${Array.from(
  { length: BIG_SECTIONS },
  (_, i) =>
    `<section><h2>Section ${i}</h2><p>Paragraph ${i} with <b>bold</b>, <i>italic</i> &amp; a ` +
    `<a href="/s/${i}">relative link</a>. ${"Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(4)}` +
    `<ul><li>first<li>second</ul><table><tr><th>k<th>v<tr><td>n<td>${i}</table></section>`,
).join("\n")}</main></body></html>`;
export const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);

export interface TestServer {
  readonly origin: string;
  readonly port: number;
  /** request paths in arrival order */
  readonly hits: string[];
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const hits: string[] = [];
  let port = 0;
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    hits.push(path);
    const send = (status: number, type: string | undefined, body: string | Buffer) => {
      res.writeHead(status, type === undefined ? {} : { "content-type": type });
      res.end(body);
    };
    switch (path) {
      case "/page.html":
        return send(200, "text/html; charset=utf-8", PAGE_HTML);
      case "/big.html":
        return send(200, "text/html; charset=utf-8", BIG_HTML);
      case "/data.json":
        return send(200, "application/json", '{"name":"mcp","tags":["a","b"],"nested":{"n":1}}');
      case "/plain.txt":
        return send(200, "text/plain; charset=utf-8", "just text\n  kept as is\n");
      case "/latin1.txt":
        return send(200, "text/plain; charset=iso-8859-1", Buffer.from([0x63, 0x61, 0x66, 0xe9]));
      case "/untyped":
        return send(200, undefined, '{"sniffed":true}');
      case "/image.png":
        return send(200, "image/png", BINARY);
      case "/large.txt":
        return send(200, "text/plain", LARGE_BODY);
      case "/utf8.txt":
        return send(200, "text/plain; charset=utf-8", "ab€€");
      case "/missing":
        return send(404, "text/html", "<h1>Not here</h1>");
      case "/redirect":
        res.writeHead(302, { location: "/plain.txt" });
        return res.end();
      case "/redirect-loopback-v6":
        res.writeHead(302, { location: `http://[::1]:${port}/plain.txt` });
        return res.end();
      case "/redirect-loopback-127-0-0-2":
        res.writeHead(301, { location: `http://127.0.0.2:${port}/plain.txt` });
        return res.end();
      case "/redirect-metadata":
        res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
        return res.end();
      case "/slow-headers":
        // Never answers: the client's timeout must end the call.
        return;
      case "/slow-body":
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("first part...");
        return; // and never ends
      default:
        return send(404, "text/plain", "no route");
    }
  });
  // Converting the 1 MB page holds this thread for seconds; with Node's 5 s default the server
  // would close the idle keep-alive socket just as the client reuses it (ECONNRESET).
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    hits,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function hostContext(signal: AbortSignal = new AbortController().signal): HostCallContext {
  return createTestCallContext({ signal });
}

/**
 * A plugin instance as the runtime builds it from `sandbox.net.allow`. Tests that reach the local
 * server grant 127.0.0.1 by name, as an operator would; the guard refuses it otherwise.
 */
export function createInstance(netAllow: readonly string[], config: Record<string, unknown> = {}) {
  return PluginInstance.create(plugin, { netAllow, config });
}

export async function fetchUrl(
  instance: PluginInstance,
  args: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<CallToolResult> {
  const checked = instance.validateToolInput("fetch_url", args);
  if (!checked.ok) throw new Error(checked.message);
  return instance.callTool("fetch_url", checked.value, hostContext(signal));
}

/** The text of a tool result's single text block. */
export function textOf(result: CallToolResult): string {
  const [block] = result.content;
  if (block === undefined || block.type !== "text" || result.content.length !== 1)
    throw new Error(`expected one text block, got ${JSON.stringify(result.content)}`);
  return block.text;
}
