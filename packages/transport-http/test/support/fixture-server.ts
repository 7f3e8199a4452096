/**
 * @module A tiny in-process MCP server for the transport tests: echo, a slow tool (for drain and
 * cancellation), a tool that reports progress, a gated tool (for resumption), a tool with an
 * `x-mcp-header` argument, one resource and one prompt.
 */
import {
  Catalog,
  type JsonObject,
  McpServer,
  type RequestContext,
  type ToolEntry,
} from "@mcp-runtime/protocol";

export interface Gate {
  wait(): Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let release: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { wait: () => opened, open: () => release() };
}

export interface FixtureState {
  /** slow calls that have started / finished / seen their signal abort */
  slowStarted: number;
  slowFinished: number;
  slowAborted: number;
  /** the gate `gated` waits on between its first and later progress reports */
  gate: Gate;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

function tool(
  name: string,
  call: (args: JsonObject, ctx: RequestContext) => Promise<string>,
  inputSchema: JsonObject = { type: "object" },
): ToolEntry {
  return {
    descriptor: { name, description: name, inputSchema },
    validateInput: (args) => ({ ok: true, value: args }),
    call: async (args, ctx) => ({ content: [{ type: "text", text: await call(args, ctx) }] }),
  };
}

export function createFixtureServer(): { server: McpServer; catalog: Catalog; state: FixtureState } {
  const state: FixtureState = { slowStarted: 0, slowFinished: 0, slowAborted: 0, gate: gate() };
  const catalog = new Catalog();
  catalog.addTool(tool("echo", async (args) => String(args.text ?? "")));
  catalog.addTool(
    tool("slow", async (args, ctx) => {
      state.slowStarted++;
      await sleep(typeof args.ms === "number" ? args.ms : 300, ctx.signal);
      if (ctx.signal.aborted) state.slowAborted++;
      else state.slowFinished++;
      return "slow done";
    }),
  );
  catalog.addTool(
    tool("progress", async (_args, ctx) => {
      ctx.progress(1, 3, "one");
      await sleep(5);
      ctx.progress(2, 3, "two");
      await sleep(5);
      ctx.progress(3, 3, "three");
      return "progress done";
    }),
  );
  catalog.addTool(
    tool("gated", async (args, ctx) => {
      const label = String(args.label ?? "gated");
      ctx.progress(1, 3, `${label}-1`);
      await state.gate.wait();
      ctx.progress(2, 3, `${label}-2`);
      ctx.progress(3, 3, `${label}-3`);
      return `${label} done`;
    }),
  );
  catalog.addTool(
    tool("regional", async (args) => `region ${String(args.region)}`, {
      type: "object",
      properties: { region: { type: "string", "x-mcp-header": "Region" } },
    }),
  );
  catalog.addResource({
    descriptor: { uri: "test://static-text", name: "static-text", mimeType: "text/plain" },
    read: async (uri) => ({ contents: [{ uri, mimeType: "text/plain", text: "static text" }] }),
  });
  catalog.addPrompt({
    descriptor: { name: "greet", arguments: [{ name: "who", required: true }] },
    get: async (args) => ({
      messages: [{ role: "user", content: { type: "text", text: `Hello, ${args.who ?? "?"}!` } }],
    }),
  });
  const server = new McpServer({ info: { name: "transport-http-test", version: "0.0.0" }, catalog });
  return { server, catalog, state };
}
