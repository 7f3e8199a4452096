/**
 * @module Counters keyed by a small label tuple, bumped on the hot path as plain numbers and read
 * at scrape time. Distinct keys are capped: past the cap, new keys share one `(other)` cell, so a
 * caller choosing label values (tool names) cannot grow the series without bound.
 */
import { OTHER_LABEL } from "./request-table.js";

export interface CountCell<T extends string> {
  readonly labels: Readonly<Record<T, string>>;
  value: number;
}

export class LabeledCounts<T extends string> {
  private readonly cells = new Map<string, CountCell<T>>();

  constructor(
    private readonly names: readonly T[],
    private readonly maxKeys: number,
  ) {}

  /** Adds `by` to the cell of `values` (in `names` order). */
  add(values: readonly string[], by = 1): void {
    const key = values.length === 1 ? (values[0] ?? "") : values.join("\u0000");
    let cell = this.cells.get(key);
    if (cell === undefined) {
      const overflow = this.cells.size >= this.maxKeys;
      const useKey = overflow ? OTHER_LABEL : key;
      cell = this.cells.get(useKey);
      if (cell === undefined) {
        const labels = {} as Record<T, string>;
        this.names.forEach((name, i) => {
          labels[name] = overflow ? OTHER_LABEL : (values[i] ?? "");
        });
        cell = { labels, value: 0 };
        this.cells.set(useKey, cell);
      }
    }
    cell.value += by;
  }

  samples(): { labels: Readonly<Record<T, string>>; value: number }[] {
    return Array.from(this.cells.values(), (cell) => ({ labels: cell.labels, value: cell.value }));
  }
}
