/** @module `mcp-sidecar replay`: re-run captured calls against another runtime and report divergence. */

export { REPLAY_EXIT, REPLAY_USAGE, type ReplayIo, runReplay } from "./cli.js";
export { type Comparison, compareCall, type Verdict } from "./compare.js";
export { McpHttpSession, type ReplayOutcome, ReplayTargetError } from "./mcp-client.js";
export type { CallReport, ReplayReport, ReplaySummary, ToolReport } from "./report.js";
export { type ReplayOptions, replayCaptured } from "./run.js";
export { parseSince } from "./since.js";
