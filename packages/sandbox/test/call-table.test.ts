import { describe, expect, it } from "vitest";
import { CallTable } from "../src/call-table.js";

describe("CallTable", () => {
  it("stores, finds and removes calls by id", () => {
    const table = new CallTable<string>(8);
    table.set(1, "a");
    table.set(2, "b");
    expect(table.size).toBe(2);
    expect(table.get(1)).toBe("a");
    expect(table.get(3)).toBeUndefined();
    expect(table.delete(1)).toBe(true);
    expect(table.delete(1)).toBe(false);
    expect(table.get(1)).toBeUndefined();
    expect(table.size).toBe(1);
  });

  it("keeps calls whose slot is taken (more in flight than its capacity)", () => {
    const table = new CallTable<number>(4);
    for (let id = 1; id <= 10; id++) table.set(id, id * 10);
    expect(table.size).toBe(10);
    for (let id = 1; id <= 10; id++) expect(table.get(id)).toBe(id * 10);
    expect(table.list().sort((x, y) => x - y)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    for (let id = 1; id <= 10; id += 2) expect(table.delete(id)).toBe(true);
    expect(table.size).toBe(5);
    expect(table.list().sort((x, y) => x - y)).toEqual([20, 40, 60, 80, 100]);
    // A freed slot is reused by the next id that maps to it.
    table.set(13, 130);
    expect(table.get(13)).toBe(130);
    expect(table.get(9)).toBeUndefined();
  });

  it("replaces the value of an id already held, without counting it twice", () => {
    const table = new CallTable<string>(2);
    table.set(1, "a");
    table.set(3, "b"); // same slot as 1: overflow
    table.set(1, "c");
    table.set(3, "d");
    expect(table.size).toBe(2);
    expect([table.get(1), table.get(3)]).toEqual(["c", "d"]);
  });

  it("lets a visitor delete the entry it is given", () => {
    const table = new CallTable<number>(4);
    for (let id = 1; id <= 6; id++) table.set(id, id);
    const seen: number[] = [];
    table.forEach((value) => {
      seen.push(value);
      table.delete(value);
    });
    expect(seen.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(table.size).toBe(0);
    expect(table.list()).toEqual([]);
  });

  it("handles ids beyond 32 bits", () => {
    const table = new CallTable<string>(16);
    const big = 2 ** 40 + 5;
    table.set(big, "far");
    table.set(5, "near"); // same low bits as `big`
    expect(table.get(big)).toBe("far");
    expect(table.get(5)).toBe("near");
    expect(table.delete(big)).toBe(true);
    expect(table.get(5)).toBe("near");
  });
});
