/** @module Constants of the 2025-11-25 core-protocol tasks that the server's handshake needs. */
import type { JsonObject } from "./types.js";

/** The revision that had tasks in the core protocol. */
export const LEGACY_TASKS_VERSION = "2025-11-25";

/** `ServerCapabilities.tasks` of 2025-11-25: what this server offers. */
export const LEGACY_TASKS_CAPABILITY: JsonObject = {
  list: {},
  cancel: {},
  requests: { tools: { call: {} } },
};
