/** @module Test support: a tiny server and a line-oriented view of a PassThrough pair. */
import { PassThrough } from "node:stream";
import {
  Catalog,
  type JsonObject,
  McpServer,
  MetaKey,
  MODERN_PROTOCOL_VERSION,
  type RequestContext,
} from "@mcp-runtime/protocol";

export interface SlowProbe {
  started: Promise<RequestContext>;
  release(): void;
}

/** echo (text), slow (waits for release or cancellation), ask (elicits a name). */
export function createServer(): { server: McpServer; catalog: Catalog; probe: SlowProbe } {
  let started: (ctx: RequestContext) => void = () => {};
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const probe: SlowProbe = {
    started: new Promise((resolve) => {
      started = resolve;
    }),
    release: () => release(),
  };
  const catalog = new Catalog();
  catalog.addTool({
    descriptor: { name: "echo", inputSchema: { type: "object" } },
    validateInput: (args) => ({ ok: true, value: args }),
    call: async (args, ctx) => {
      ctx.progress(1, 1);
      return { content: [{ type: "text", text: String(args.text) }] };
    },
  });
  catalog.addTool({
    descriptor: { name: "slow", inputSchema: { type: "object" } },
    validateInput: (args) => ({ ok: true, value: args }),
    call: async (_args, ctx) => {
      started(ctx);
      await Promise.race([released, new Promise((resolve) => ctx.signal.addEventListener("abort", resolve))]);
      return { content: [{ type: "text", text: ctx.signal.aborted ? "aborted" : "released" }] };
    },
  });
  catalog.addTool({
    descriptor: { name: "ask", inputSchema: { type: "object" } },
    validateInput: (args) => ({ ok: true, value: args }),
    call: async (_args, ctx) => {
      const answer = await ctx.elicit({ message: "Name?" });
      return { content: [{ type: "text", text: `Hi ${String(answer.content?.name)}` }] };
    },
  });
  const server = new McpServer({ info: { name: "stdio-test", version: "1.0.0" }, catalog });
  return { server, catalog, probe };
}

export const modernMeta: JsonObject = {
  [MetaKey.protocolVersion]: MODERN_PROTOCOL_VERSION,
  [MetaKey.clientCapabilities]: {},
};

/** Collects what the server writes, as raw chunks and as parsed lines. */
export class OutputLines {
  readonly stream = new PassThrough();
  text = "";
  private waiters: { count: number; resolve(): void }[] = [];

  constructor() {
    this.stream.on("data", (chunk: Buffer) => {
      this.text += chunk.toString("utf8");
      this.waiters = this.waiters.filter((w) => {
        if (this.lines.length < w.count) return true;
        w.resolve();
        return false;
      });
    });
  }

  get lines(): string[] {
    return this.text.split("\n").filter((line) => line.length > 0);
  }

  get messages(): JsonObject[] {
    return this.lines.map((line) => JSON.parse(line) as JsonObject);
  }

  /** Resolves once at least `count` complete lines were written. */
  async waitFor(count: number): Promise<JsonObject[]> {
    if (this.lines.length < count) {
      await new Promise<void>((resolve) => this.waiters.push({ count, resolve }));
    }
    return this.messages;
  }
}

export function line(message: JsonObject): string {
  return `${JSON.stringify(message)}\n`;
}
