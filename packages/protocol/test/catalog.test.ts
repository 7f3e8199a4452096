import { describe, expect, it } from "vitest";
import { Catalog, type CatalogKind, JsonRpcError, ProtocolError, type ToolEntry } from "../src/index.js";

function tool(name: string): ToolEntry {
  return {
    descriptor: { name, inputSchema: { type: "object" } },
    validateInput: (args) => ({ ok: true, value: args }),
    call: async () => ({ content: [] }),
  };
}

function names(page: { items: readonly { name: string }[] }): string[] {
  return page.items.map((item) => item.name);
}

function expectInvalidCursor(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(JsonRpcError);
    expect((error as JsonRpcError).code).toBe(-32602);
    expect((error as JsonRpcError).message).toBe("Invalid params: invalid or expired cursor");
    return;
  }
  throw new Error("expected the cursor to be refused");
}

describe("Catalog pagination", () => {
  it("pages tools sorted by name whatever the registration order", () => {
    const catalog = new Catalog({ pageSize: 2 });
    for (const name of ["delta", "alpha", "echo", "charlie", "bravo"]) catalog.addTool(tool(name));
    const first = catalog.listTools(undefined);
    expect(names(first)).toEqual(["alpha", "bravo"]);
    expect(typeof first.nextCursor).toBe("string");
    const second = catalog.listTools(first.nextCursor);
    expect(names(second)).toEqual(["charlie", "delta"]);
    const third = catalog.listTools(second.nextCursor);
    expect(names(third)).toEqual(["echo"]);
    expect("nextCursor" in third).toBe(false);
  });

  it("gives the same pages and cursors on repeated listing", () => {
    const catalog = new Catalog({ pageSize: 2 });
    for (const name of ["c", "a", "b"]) catalog.addTool(tool(name));
    expect(catalog.listTools(undefined)).toEqual(catalog.listTools(undefined));
  });

  it("returns an empty first page without a cursor when nothing is registered", () => {
    expect(new Catalog().listTools(undefined)).toEqual({ items: [] });
    expect(new Catalog({ pageSize: 3 }).listPrompts(undefined)).toEqual({ items: [] });
  });

  it("has no nextCursor when everything fits on one page", () => {
    const catalog = new Catalog({ pageSize: 2 });
    catalog.addTool(tool("a"));
    catalog.addTool(tool("b"));
    expect(catalog.listTools(undefined)).toEqual({ items: [tool("a").descriptor, tool("b").descriptor] });
  });

  it("refuses malformed and out-of-range cursors with -32602", () => {
    const catalog = new Catalog({ pageSize: 1 });
    catalog.addTool(tool("a"));
    catalog.addTool(tool("b"));
    const next = catalog.listTools(undefined).nextCursor;
    expect(next).toBeDefined();
    for (const cursor of ["", "garbage", "c1.x.1", "c1.0.0", "c1.999.1", "c1.2.5", "c1.2.-1"]) {
      if (cursor === next) continue;
      expectInvalidCursor(() => catalog.listTools(cursor));
    }
  });

  it("refuses a cursor issued before the catalogue changed", () => {
    const catalog = new Catalog({ pageSize: 1 });
    catalog.addTool(tool("a"));
    catalog.addTool(tool("b"));
    const stale = catalog.listTools(undefined).nextCursor;
    catalog.addTool(tool("c"));
    expectInvalidCursor(() => catalog.listTools(stale));
    const fresh = catalog.listTools(undefined).nextCursor;
    expect(fresh).not.toBe(stale);
    expect(names(catalog.listTools(fresh))).toEqual(["b"]);
  });

  it("sorts resources by URI and templates by template", () => {
    const catalog = new Catalog({ pageSize: 10 });
    const read = async () => ({ contents: [] });
    catalog.addResource({ descriptor: { uri: "b://2", name: "z" }, read });
    catalog.addResource({ descriptor: { uri: "a://1", name: "y" }, read });
    catalog.addResourceTemplate({
      descriptor: { uriTemplate: "t://{b}", name: "tb" },
      read: async () => undefined,
    });
    catalog.addResourceTemplate({
      descriptor: { uriTemplate: "t://{a}", name: "ta" },
      read: async () => undefined,
    });
    expect(catalog.listResources(undefined).items.map((r) => r.uri)).toEqual(["a://1", "b://2"]);
    expect(catalog.listResourceTemplates(undefined).items.map((t) => t.uriTemplate)).toEqual([
      "t://{a}",
      "t://{b}",
    ]);
  });
});

describe("Catalog registration", () => {
  it("refuses duplicate tool, resource, template and prompt names", () => {
    const catalog = new Catalog();
    catalog.addTool(tool("a"));
    const read = async () => ({ contents: [] });
    catalog.addResource({ descriptor: { uri: "x://1", name: "r" }, read });
    catalog.addResourceTemplate({
      descriptor: { uriTemplate: "x://{id}", name: "t" },
      read: async () => undefined,
    });
    catalog.addPrompt({ descriptor: { name: "p" }, get: async () => ({ messages: [] }) });
    const attempts = [
      () => catalog.addTool(tool("a")),
      () => catalog.addResource({ descriptor: { uri: "x://1", name: "other" }, read }),
      () =>
        catalog.addResourceTemplate({
          descriptor: { uriTemplate: "x://{id}", name: "t2" },
          read: async () => undefined,
        }),
      () => catalog.addPrompt({ descriptor: { name: "p" }, get: async () => ({ messages: [] }) }),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(ProtocolError);
      try {
        attempt();
      } catch (error) {
        expect((error as ProtocolError).code).toBe("ERR_DUPLICATE_NAME");
      }
    }
  });

  it("refuses a page size that is not a positive integer", () => {
    expect(() => new Catalog({ pageSize: 0 })).toThrow('"pageSize" option must be a positive integer');
    expect(() => new Catalog({ pageSize: 1.5 })).toThrow(TypeError);
  });

  it("notifies listeners of each change with its kind, until unsubscribed", () => {
    const catalog = new Catalog();
    const seen: CatalogKind[] = [];
    const unsubscribe = catalog.onChange((kind) => seen.push(kind));
    catalog.addTool(tool("a"));
    catalog.addPrompt({ descriptor: { name: "p" }, get: async () => ({ messages: [] }) });
    catalog.addResource({ descriptor: { uri: "x://1", name: "r" }, read: async () => ({ contents: [] }) });
    catalog.addResourceTemplate({
      descriptor: { uriTemplate: "x://{id}", name: "t" },
      read: async () => undefined,
    });
    expect(seen).toEqual(["tools", "prompts", "resources", "resources"]);
    unsubscribe();
    catalog.addTool(tool("b"));
    expect(seen).toHaveLength(4);
  });

  it("remove() drops what the predicate selects and reports only kinds that changed", () => {
    const catalog = new Catalog();
    for (const name of ["plugin.a", "plugin.b", "core.c"]) catalog.addTool(tool(name));
    catalog.addPrompt({ descriptor: { name: "core.p" }, get: async () => ({ messages: [] }) });
    catalog.addResourceTemplate({
      descriptor: { uriTemplate: "plugin://{id}", name: "t" },
      read: async () => undefined,
    });
    const seen: CatalogKind[] = [];
    catalog.onChange((kind) => seen.push(kind));
    catalog.remove((name) => name.startsWith("plugin"));
    expect(seen).toEqual(["tools", "resources"]);
    expect(names(catalog.listTools(undefined))).toEqual(["core.c"]);
    expect(catalog.tool("plugin.a")).toBeUndefined();
    expect(catalog.matchTemplate("plugin://1")).toBeUndefined();
    expect(catalog.hasResources).toBe(false);
    expect(catalog.prompt("core.p")).toBeDefined();
    catalog.remove(() => false);
    expect(seen).toHaveLength(2);
  });

  it("matches templates in registration order and exposes capability flags", () => {
    const catalog = new Catalog();
    expect([catalog.hasTools, catalog.hasResources, catalog.hasPrompts, catalog.hasCompletions]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    catalog.addResourceTemplate({
      descriptor: { uriTemplate: "x://{a}", name: "first" },
      read: async () => undefined,
    });
    catalog.addResourceTemplate({
      descriptor: { uriTemplate: "x://{b}", name: "second" },
      read: async () => undefined,
      complete: () => ({ values: [] }),
    });
    expect(catalog.matchTemplate("x://v")?.entry.descriptor.name).toBe("first");
    expect(catalog.matchTemplate("x://v")?.variables).toEqual({ a: "v" });
    expect(catalog.hasResources).toBe(true);
    expect(catalog.hasCompletions).toBe(true);
    expect(catalog.resourceTemplate("x://{b}")?.descriptor.name).toBe("second");
  });

  it("matches templates through a per-scheme index, in registration order, and without one when a template has no literal scheme", () => {
    const catalog = new Catalog();
    const add = (uriTemplate: string, name: string) =>
      catalog.addResourceTemplate({ descriptor: { uriTemplate, name }, read: async () => undefined });
    add("a://items/{id}", "a-items");
    add("b://{+path}", "b-any");
    add("b://items/{id}", "b-items");
    expect(catalog.matchTemplate("a://items/1")?.entry.descriptor.name).toBe("a-items");
    // same scheme: the earlier template wins
    expect(catalog.matchTemplate("b://items/1")?.entry.descriptor.name).toBe("b-any");
    expect(catalog.matchTemplate("c://items/1")).toBeUndefined();
    expect(catalog.matchTemplate("no-scheme")).toBeUndefined();

    add("{+uri}", "anything");
    expect(catalog.matchTemplate("c://items/1")?.entry.descriptor.name).toBe("anything");
    expect(catalog.matchTemplate("a://items/1")?.entry.descriptor.name).toBe("a-items");
    catalog.remove((key) => key === "{+uri}");
    expect(catalog.matchTemplate("c://items/1")).toBeUndefined();
    catalog.remove((key) => key === "b://{+path}");
    expect(catalog.matchTemplate("b://items/1")?.entry.descriptor.name).toBe("b-items");
  });
});
