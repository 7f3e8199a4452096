/** @module The sandbox settings the pool tests start from: one worker thread, nothing granted. */
import type { SandboxSettings } from "../src/index.js";

export function sandboxSettings(overrides: Partial<SandboxSettings> = {}): SandboxSettings {
  return {
    mode: "worker",
    timeoutMs: 5_000,
    maxMemoryMb: 64,
    poolSize: 1,
    fs: { read: [], write: [] },
    net: { allow: [] },
    env: [],
    ...overrides,
  };
}
