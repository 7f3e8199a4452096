/**
 * @module A HostCallContext for tests that drive a plugin through PluginInstance without a runtime:
 * a fresh signal, no progress token or subject, progress and logs dropped, and every question to
 * the client (elicit, sample, listRoots) refused. Override what a test needs.
 */
import type { HostCallContext } from "./instance.js";

export function createTestCallContext(overrides: Partial<HostCallContext> = {}): HostCallContext {
  const refuse = () => Promise.reject(new Error("not available in tests"));
  return {
    signal: new AbortController().signal,
    progressToken: undefined,
    subject: undefined,
    protocolVersion: "2025-11-25",
    clientCapabilities: {},
    progress: () => {},
    log: () => {},
    elicit: refuse,
    sample: refuse,
    listRoots: refuse,
    notify: { listChanged: () => {}, resourceUpdated: () => {} },
    ...overrides,
  };
}
