/**
 * @module Replays captured calls against a target: reads the capture folder (filtered), skips calls
 * whose arguments hold redacted values (they cannot be reproduced), calls the rest through one MCP
 * session with bounded concurrency, and compares each answer with the capture.
 */
import { type CaptureQuery, type CaptureRecord, readCaptured } from "../capture/index.js";
import { compareCall } from "./compare.js";
import { McpHttpSession } from "./mcp-client.js";
import { REDACTED } from "./redacted.js";
import {
  type CallReport,
  type CallVerdict,
  countVerdict,
  emptyCounts,
  isDivergent,
  type ReplayReport,
  type VerdictCounts,
} from "./report.js";

export interface ReplayOptions {
  dir: string;
  query: CaptureQuery;
  /** the target's MCP endpoint */
  url: string;
  token?: string;
  concurrency: number;
  timeoutMs: number;
  allowShape: boolean;
  clientVersion: string;
}

/** Throws ReplayTargetError when a session cannot be opened with the target. */
export async function replayCaptured(options: ReplayOptions): Promise<ReplayReport> {
  const started = Date.now();
  const records = readCaptured(options.dir, options.query)[Symbol.asyncIterator]();
  const first = await records.next();
  const totals = emptyCounts();
  const perTool = new Map<string, VerdictCounts>();
  const calls: Array<CallReport & { order: number }> = [];
  let order = 0;
  let session: McpHttpSession | undefined;

  const settle = (
    record: CaptureRecord,
    position: number,
    verdict: CallVerdict,
    diff: Omit<CallReport, "id" | "tool" | "verdict"> = {},
  ) => {
    countVerdict(totals, verdict);
    const counts = perTool.get(record.tool) ?? emptyCounts();
    perTool.set(record.tool, counts);
    countVerdict(counts, verdict);
    if (verdict !== "identical")
      calls.push({ order: position, id: record.id, tool: record.tool, verdict, ...diff });
  };

  if (first.done !== true) {
    session = await McpHttpSession.open({
      url: options.url,
      timeoutMs: options.timeoutMs,
      clientVersion: options.clientVersion,
      ...(options.token === undefined ? {} : { token: options.token }),
    });
    const opened = session;
    let pending: IteratorResult<CaptureRecord> | undefined = first;
    // Async generators queue concurrent next() calls, so the workers can share one iterator.
    const take = async (): Promise<IteratorResult<CaptureRecord>> => {
      if (pending !== undefined) {
        const taken = pending;
        pending = undefined;
        return taken;
      }
      return records.next();
    };
    const worker = async () => {
      for (let next = await take(); next.done !== true; next = await take()) {
        const record = next.value;
        const position = order++;
        if (holdsRedacted(record.arguments)) {
          settle(record, position, "skipped");
          continue;
        }
        const { verdict, ...diff } = compareCall(
          record,
          await opened.callTool(record.tool, record.arguments),
        );
        settle(record, position, verdict, diff);
      }
    };
    try {
      await Promise.all(Array.from({ length: options.concurrency }, worker));
    } finally {
      await opened.close();
    }
  }

  calls.sort((a, b) => a.order - b.order);
  const divergent = calls.filter((call) => isDivergent(call.verdict, options.allowShape)).length;
  return {
    summary: {
      target: options.url,
      ...(session === undefined ? {} : { protocolVersion: session.protocolVersion }),
      ...totals,
      replayed: totals.calls - totals.skipped,
      divergent,
      durationMs: Date.now() - started,
    },
    tools: [...perTool].sort(([a], [b]) => a.localeCompare(b)).map(([tool, counts]) => ({ tool, ...counts })),
    calls: calls.map(({ order: _order, ...call }) => call),
  };
}

function holdsRedacted(value: unknown): boolean {
  if (value === REDACTED) return true;
  if (Array.isArray(value)) return value.some(holdsRedacted);
  if (typeof value === "object" && value !== null) return Object.values(value).some(holdsRedacted);
  return false;
}
