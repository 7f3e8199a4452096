/**
 * @module Helpers for the cache and limits suites: the counting fixture plugin, static bearer
 * tokens (only their digests go into the config), and calls that report how often the plugin ran.
 */
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { modernCall } from "./modern-call.js";

export const POLICY_PLUGIN = fileURLToPath(new URL("../fixtures/policy", import.meta.url));

export interface Caller {
  subject: string;
  token: string;
  headers: Record<string, string>;
}

export function caller(subject: string): Caller {
  const token = `tok-${subject}-${createHash("sha256").update(subject).digest("hex").slice(0, 24)}`;
  return { subject, token, headers: { authorization: `Bearer ${token}` } };
}

/** `auth` config accepting these callers with static tokens. */
export function tokenAuth(callers: readonly Caller[]): Record<string, unknown> {
  return {
    mode: "tokens",
    tokens: callers.map((c) => ({
      sha256: createHash("sha256").update(c.token).digest("hex"),
      subject: c.subject,
      scopes: [],
    })),
  };
}

/** The text of a 2026-07-28 `resources/read` of `uri`, and the result's cache hints. */
export async function readText(
  url: string,
  uri: string,
  headers: Record<string, string> = {},
): Promise<{ text: string; ttlMs: unknown; cacheScope: unknown }> {
  const result = await modernCall(url, "resources/read", { uri }, { name: uri, headers });
  const contents = result.contents as { text?: string }[];
  return { text: contents[0]?.text ?? "", ttlMs: result.ttlMs, cacheScope: result.cacheScope };
}

/** The first text content of a 2026-07-28 `tools/call`. */
export async function callText(
  url: string,
  name: string,
  args: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<string> {
  const result = await modernCall(url, "tools/call", { name, arguments: args }, { name, headers });
  const content = result.content as { text?: string }[];
  return content[0]?.text ?? "";
}

/** How often each read and call ran inside the fixture plugin (its own counters). */
export async function pluginRuns(
  url: string,
  headers: Record<string, string> = {},
): Promise<Record<string, number>> {
  return JSON.parse(await callText(url, "runs", {}, headers)) as Record<string, number>;
}
