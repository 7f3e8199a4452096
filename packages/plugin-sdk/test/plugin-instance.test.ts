import { JsonRpcError } from "@mcp-runtime/protocol";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  createTestCallContext,
  type HostCallContext,
  PluginInstance,
  PluginInstanceError,
} from "../src/host.js";
import { definePlugin, defineTool, isPlugin } from "../src/index.js";

function host(overrides: Partial<HostCallContext> = {}): HostCallContext & { logs: unknown[][] } {
  const logs: unknown[][] = [];
  return {
    logs,
    ...createTestCallContext({
      subject: "alice",
      protocolVersion: "2026-07-28",
      log: (...args) => logs.push(args),
      ...overrides,
    }),
  };
}

const plugin = definePlugin({
  name: "demo",
  version: "1.2.3",
  config: z.object({ greeting: z.string().default("hello") }),
  tools: {
    greet: {
      description: "Greets",
      input: z.object({ name: z.string(), times: z.number().int().min(1).default(1) }),
      annotations: { readOnlyHint: true },
      handler: ({ name, times }, ctx) => `${String(ctx.config.greeting)} ${name}`.repeat(times),
    },
    structured: {
      description: "Returns data",
      input: { type: "object", properties: { n: { type: "integer", default: 2 } } },
      output: z.object({ doubled: z.number() }),
      handler: ({ n }) => ({ structuredContent: { doubled: Number(n) * 2 } }),
    },
    fails: { description: "Throws", handler: () => Promise.reject(new Error("disk on fire")) },
    protocol: {
      description: "Throws a protocol error",
      handler: () => {
        throw new JsonRpcError(-32021, "needs sampling");
      },
    },
    whoami: {
      description: "Reports the caller",
      handler: (_input, ctx) => {
        ctx.log.info("asked", { extra: 1 });
        return `${ctx.subject}@${ctx.protocolVersion}`;
      },
    },
  },
  resources: { motd: { uri: "demo://motd", mimeType: "text/plain", read: () => "hi" } },
  resourceTemplates: {
    user: {
      uriTemplate: "demo://users/{id}",
      read: (_uri, { id }) => (id === "1" ? new Uint8Array([1, 2, 3]) : undefined),
      complete: { id: (value) => ["1", "12", "2"].filter((v) => v.startsWith(value)) },
    },
  },
  prompts: {
    p: {
      description: "A prompt",
      arguments: { topic: { required: true } },
      get: ({ topic }) => `About ${topic}`,
    },
  },
});

describe("definePlugin", () => {
  it("brands the definition and refuses bad names and missing handlers", () => {
    expect(isPlugin(plugin)).toBe(true);
    expect(isPlugin({ name: "x" })).toBe(false);
    expect(() => definePlugin({ name: "bad name!" })).toThrow(TypeError);
    expect(() => definePlugin({ name: "x", tools: { "sp ace": { handler: () => "" } } })).toThrow(
      /not a valid MCP tool name/,
    );
    expect(() => definePlugin({ name: "x", tools: { t: {} as never } })).toThrow(/needs a handler/);
  });

  it("defineTool keeps the definition as given", () => {
    const definition = defineTool({ input: z.object({ a: z.string() }), handler: ({ a }) => a });
    expect(definition.handler).toBeTypeOf("function");
  });
});

describe("PluginInstance", () => {
  it("describes tools with JSON Schema compiled from zod or passed through", async () => {
    const instance = await PluginInstance.create(plugin);
    const greet = instance.manifest.tools.find((t) => t.name === "greet");
    expect(greet?.inputSchema).toMatchObject({
      type: "object",
      properties: { name: { type: "string" }, times: { type: "integer", minimum: 1, default: 1 } },
      required: ["name"],
    });
    expect(greet?.annotations).toEqual({ readOnlyHint: true });
    const structured = instance.manifest.tools.find((t) => t.name === "structured");
    expect(structured?.inputSchema).toEqual({
      type: "object",
      properties: { n: { type: "integer", default: 2 } },
    });
    expect(structured?.outputSchema).toMatchObject({
      type: "object",
      properties: { doubled: { type: "number" } },
    });
    expect(instance.manifest.version).toBe("1.2.3");
    expect(instance.manifest.resourceTemplates).toEqual([
      { uriTemplate: "demo://users/{id}", name: "user", key: "user", completable: ["id"] },
    ]);
    expect(instance.manifest.prompts).toEqual([
      { name: "p", description: "A prompt", arguments: [{ name: "topic", required: true }], completable: [] },
    ]);
  });

  it("validates input, applies defaults and reports the failing path", async () => {
    const instance = await PluginInstance.create(plugin);
    expect(instance.validateToolInput("greet", { name: "Bo" })).toEqual({
      ok: true,
      value: { name: "Bo", times: 1 },
    });
    const bad = instance.validateToolInput("greet", { name: 3 });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^name: /);
    expect(instance.validateToolInput("structured", { n: "x" })).toEqual({
      ok: false,
      message: "n must be integer",
    });
    expect(instance.validateToolInput("structured", {})).toEqual({ ok: true, value: { n: 2 } });
  });

  it("normalises returns, turns throws into isError and lets protocol errors through", async () => {
    const instance = await PluginInstance.create(plugin, { config: { greeting: "hey" } });
    expect(await instance.callTool("greet", { name: "Bo", times: 2 }, host())).toEqual({
      content: [{ type: "text", text: "hey Bohey Bo" }],
    });
    expect(await instance.callTool("structured", { n: 4 }, host())).toEqual({
      content: [{ type: "text", text: '{"doubled":8}' }],
      structuredContent: { doubled: 8 },
    });
    expect(await instance.callTool("fails", {}, host())).toEqual({
      content: [{ type: "text", text: "disk on fire" }],
      isError: true,
    });
    await expect(instance.callTool("protocol", {}, host())).rejects.toBeInstanceOf(JsonRpcError);
    const h = host();
    expect(await instance.callTool("whoami", {}, h)).toEqual({
      content: [{ type: "text", text: "alice@2026-07-28" }],
    });
    expect(h.logs).toEqual([["info", "asked", { extra: 1 }]]);
  });

  it("refuses an invalid plugin config at creation", async () => {
    await expect(PluginInstance.create(plugin, { config: { greeting: 5 } })).rejects.toBeInstanceOf(
      PluginInstanceError,
    );
  });

  it("reads resources and templates, completes, and renders prompts", async () => {
    const instance = await PluginInstance.create(plugin);
    expect(await instance.readResource("demo://motd", host())).toEqual({
      contents: [{ uri: "demo://motd", text: "hi", mimeType: "text/plain" }],
    });
    expect(await instance.readResource("demo://other", host())).toBeUndefined();
    expect(await instance.readTemplate("user", "demo://users/1", { id: "1" }, host())).toEqual({
      contents: [{ uri: "demo://users/1", blob: "AQID" }],
    });
    expect(await instance.readTemplate("user", "demo://users/9", { id: "9" }, host())).toBeUndefined();
    expect(await instance.complete({ kind: "template", key: "user" }, "id", "1", {})).toEqual({
      values: ["1", "12"],
      total: 2,
      hasMore: false,
    });
    expect(await instance.getPrompt("p", { topic: "cats" }, host())).toEqual({
      description: "A prompt",
      messages: [{ role: "user", content: { type: "text", text: "About cats" } }],
    });
  });
});
