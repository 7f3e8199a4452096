import { describe, expect, it } from "vitest";
import { admissionKey, askAdmission, clientAddress } from "../src/index.js";

describe("admission keys", () => {
  it("counts a subject by name, anyone else by address (IPv4-mapped addresses unwrapped)", () => {
    expect(admissionKey("alice", "10.0.0.1", undefined, 0)).toBe("sub:alice");
    expect(admissionKey(undefined, "::ffff:10.0.0.1", undefined, 0)).toBe("ip:10.0.0.1");
    expect(admissionKey(undefined, "::1", undefined, 0)).toBe("ip:::1");
    expect(admissionKey(undefined, undefined, undefined, 0)).toBe("ip:unknown");
  });

  it("reads X-Forwarded-For only with trusted hops, that many entries from the right", () => {
    const header = "1.1.1.1, 2.2.2.2, 3.3.3.3";
    expect(clientAddress("9.9.9.9", header, 0)).toBe("9.9.9.9");
    expect(clientAddress("9.9.9.9", header, 1)).toBe("3.3.3.3");
    expect(clientAddress("9.9.9.9", header, 2)).toBe("2.2.2.2");
    expect(clientAddress("9.9.9.9", header, 5)).toBe("1.1.1.1");
    expect(clientAddress("9.9.9.9", "1.1.1.1, ", 1)).toBe("9.9.9.9");
    expect(clientAddress("9.9.9.9", undefined, 1)).toBe("9.9.9.9");
  });
});

describe("askAdmission", () => {
  it("keeps a synchronous answer synchronous and fails open on a throw or a rejection", async () => {
    const failures: unknown[] = [];
    const failed = (cause: unknown) => failures.push(cause);
    expect(askAdmission(() => 250, "k", failed)).toBe(250);
    expect(
      askAdmission(
        () => {
          throw new Error("down");
        },
        "k",
        failed,
      ),
    ).toBe(0);
    await expect(askAdmission(() => Promise.resolve(7), "k", failed)).resolves.toBe(7);
    await expect(askAdmission(() => Promise.reject(new Error("gone")), "k", failed)).resolves.toBe(0);
    expect(failures.map((f) => (f as Error).message)).toEqual(["down", "gone"]);
  });
});
