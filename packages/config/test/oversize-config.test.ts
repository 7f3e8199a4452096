import { describe, expect, it } from "vitest";
import { formatIssues, validateConfig } from "../src/index.js";

function serverOf(server: Record<string, unknown>) {
  const result = validateConfig({ server });
  if (!result.ok) throw new Error(formatIssues(result.issues).join("\n"));
  return result.config.server;
}

describe("server.maxMessageBytes", () => {
  it("defaults to 4 MiB", () => {
    expect(serverOf({}).maxMessageBytes).toBe(4 * 1024 * 1024);
  });

  it("takes the deprecated maxBodyBytes alias when it is the only one set", () => {
    expect(serverOf({ maxBodyBytes: 1000 }).maxMessageBytes).toBe(1000);
    expect(serverOf({ maxMessageBytes: 2000 }).maxMessageBytes).toBe(2000);
    expect(serverOf({ maxBodyBytes: 1000 })).not.toHaveProperty("maxBodyBytes");
  });

  it("refuses both keys at once, at server.maxBodyBytes, and a non-positive limit at its path", () => {
    const both = validateConfig({ server: { maxBodyBytes: 1, maxMessageBytes: 2 } });
    expect(both.ok).toBe(false);
    if (both.ok) return;
    expect(formatIssues(both.issues)).toEqual([
      'server.maxBodyBytes: deprecated alias of "maxMessageBytes"; set only "maxMessageBytes"',
    ]);
    const zero = validateConfig({ server: { maxMessageBytes: 0 } });
    expect(zero.ok).toBe(false);
    if (zero.ok) return;
    expect(formatIssues(zero.issues)[0]).toMatch(/^server\.maxMessageBytes: /);
  });
});
