/**
 * @module The per-request counting behind `mcp_requests_total`, `mcp_request_duration_seconds` and
 * `mcp_request_errors_total`. prom-client's label children re-hash their labels on every `inc` and
 * `observe` (about 1.1 µs for the pair, measured on Node 20), so the hot path keeps plain numbers
 * per (method, tool) series here and prom-client only reads them at scrape time.
 */

/** Fits MCP traffic: cached reads well under 1 ms, tool calls up to the 10 s default timeout. */
export const DURATION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Label value a name collapses to when a cardinality cap is reached. */
export const OTHER_LABEL = "(other)";
/** Label value of a tool name the `knownTool` predicate rejects. */
export const UNKNOWN_TOOL_LABEL = "(unknown)";

/** Distinct statuses and error codes kept per series; real traffic has a handful. */
const MAX_STATUSES_PER_SERIES = 16;
const MAX_CODES_PER_SERIES = 32;

interface Cell<K> {
  key: K;
  labels: Record<string, string>;
  count: number;
}

function bump<K>(
  cells: Cell<K>[],
  key: K,
  overflowKey: K,
  labelsOf: (key: K) => Record<string, string>,
  max: number,
): void {
  // Linear scan: a series sees few distinct statuses, and the runtime passes interned constants,
  // so `===` mostly compares pointers.
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as Cell<K>;
    if (cell.key === key) {
      cell.count++;
      return;
    }
  }
  const k = cells.length < max ? key : overflowKey;
  if (k !== key) {
    for (const cell of cells) {
      if (cell.key === k) {
        cell.count++;
        return;
      }
    }
  }
  cells.push({ key: k, labels: labelsOf(k), count: 1 });
}

/** One (method, tool) pair: its duration histogram and its per-status and per-code counts. */
export class RequestSeries {
  readonly labels: Readonly<Record<"method" | "tool", string>>;
  /** `{method, tool, le}` per bucket, +Inf last: built once so a scrape only allocates samples */
  readonly bucketLabels: readonly Readonly<Record<"method" | "tool" | "le", string>>[];
  /** non-cumulative; the last slot is the +Inf bucket */
  readonly buckets: Float64Array;
  sum = 0;
  count = 0;
  readonly statuses: Cell<string>[] = [];
  readonly codes: Cell<number>[] = [];

  constructor(
    readonly method: string,
    readonly tool: string,
    private readonly bounds: readonly number[],
  ) {
    this.labels = { method, tool };
    this.bucketLabels = [...bounds.map(String), "+Inf"].map((le) => ({ method, tool, le }));
    this.buckets = new Float64Array(bounds.length + 1);
  }

  observe(status: string, seconds: number, errorCode: number | undefined): void {
    bump(this.statuses, status, OTHER_LABEL, this.statusLabels, MAX_STATUSES_PER_SERIES);
    if (errorCode !== undefined)
      bump(this.codes, errorCode, Number.NaN, this.codeLabels, MAX_CODES_PER_SERIES);
    // A negative or non-finite duration is a caller bug; count the request but keep the histogram sane.
    if (!(seconds >= 0 && seconds < Number.POSITIVE_INFINITY)) return;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && seconds > (bounds[i] as number)) i++;
    this.buckets[i] = (this.buckets[i] ?? 0) + 1;
    this.sum += seconds;
    this.count++;
  }

  private readonly statusLabels = (status: string): Record<string, string> => ({
    method: this.method,
    tool: this.tool,
    status,
  });

  private readonly codeLabels = (code: number): Record<string, string> => ({
    method: this.method,
    tool: this.tool,
    code: Number.isNaN(code) ? OTHER_LABEL : String(code),
  });
}

export interface RequestTableOptions {
  knownTool?: ((name: string) => boolean) | undefined;
  maxMethods: number;
  maxSeries: number;
  buckets: readonly number[];
}

/** All series, looked up by method then tool so the hot path builds no key string. */
export class RequestTable {
  private readonly byMethod = new Map<string, Map<string, RequestSeries>>();
  private seriesCount = 0;
  readonly all: RequestSeries[] = [];

  constructor(private readonly options: RequestTableOptions) {}

  series(method: string, tool: string): RequestSeries {
    let byTool = this.byMethod.get(method);
    if (byTool === undefined) {
      const m = this.byMethod.size < this.options.maxMethods ? method : OTHER_LABEL;
      byTool = this.byMethod.get(m);
      if (byTool === undefined) {
        byTool = new Map();
        this.byMethod.set(m, byTool);
      }
      method = m;
    }
    const found = byTool.get(tool);
    if (found !== undefined) return found;
    return this.addSeries(byTool, method, tool);
  }

  private addSeries(byTool: Map<string, RequestSeries>, method: string, tool: string): RequestSeries {
    const { knownTool } = this.options;
    // Unknown names are not cached under their own key: a client must not be able to grow the map.
    let label = tool;
    if (tool !== "" && knownTool !== undefined && !knownTool(tool)) label = UNKNOWN_TOOL_LABEL;
    else if (this.seriesCount >= this.options.maxSeries) label = OTHER_LABEL;
    const existing = byTool.get(label);
    if (existing !== undefined) return existing;
    const series = new RequestSeries(method, label, this.options.buckets);
    byTool.set(label, series);
    this.all.push(series);
    this.seriesCount++;
    return series;
  }
}
