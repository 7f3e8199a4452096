/** What a plugin asks for against what the operator grants, with `config.<key>` entries expanded. */
import { describe, expect, it } from "vitest";
import { comparePermissions, type PluginPermissions } from "../src/index.js";

const asks = (net: string[]): PluginPermissions => ({ fs: { read: [], write: [] }, net, env: [] });
const grants = (allow: string[]) => ({ fs: { read: [], write: [] }, net: { allow }, env: [] });

describe("comparePermissions, net", () => {
  it("checks a config.<key> net entry against the host that key is set to", () => {
    const ok = comparePermissions(asks(["config.host"]), grants(["db.internal"]), { host: "db.internal" });
    expect(ok.missing).toEqual([]);
    expect(ok.granted.net).toEqual(["db.internal", 'config.host="db.internal"']);
    const refused = comparePermissions(asks(["config.host"]), grants(["config.host"]), {
      host: "db.internal",
    });
    expect(refused.missing).toEqual([
      'net "config.host" = "db.internal" (add "db.internal" to sandbox.net.allow)',
    ]);
  });

  it("does not let * stand for a configured (maybe private) host", () => {
    expect(
      comparePermissions(asks(["config.host"]), grants(["*"]), { host: "10.0.0.5" }).missing,
    ).toHaveLength(1);
  });

  it("takes the host out of a URL value and checks every entry of a list value", () => {
    const url = { connectionString: "postgresql://reader@DB.internal:5432/app" };
    expect(
      comparePermissions(asks(["config.connectionString"]), grants(["db.internal"]), url).missing,
    ).toEqual([]);
    const list = comparePermissions(asks(["config.hosts"]), grants(["a.example"]), {
      hosts: ["a.example", "b.example"],
    });
    expect(list.missing).toEqual(['net "config.hosts" = "b.example" (add "b.example" to sandbox.net.allow)']);
  });

  it("asks for nothing through an unset config key, and matches plain entries exactly", () => {
    expect(comparePermissions(asks(["config.host"]), grants([]), {}).missing).toEqual([]);
    expect(comparePermissions(asks(["localhost"]), grants(["*"]), {}).missing).toEqual([
      'net "localhost" (add it to sandbox.net.allow)',
    ]);
  });
});
