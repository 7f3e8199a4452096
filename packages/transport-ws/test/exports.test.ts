import { describe, expect, it } from "vitest";
import * as entry from "../src/index.js";

describe("public entry", () => {
  it("exports exactly the documented runtime values", () => {
    expect(Object.keys(entry).sort()).toEqual(["MCP_SUBPROTOCOL", "attachWebSocket", "startWebSocketServer"]);
    expect(entry.MCP_SUBPROTOCOL).toBe("mcp");
  });
});
