/**
 * @module Plain types shared by the transport's modules and its public API (auth outcomes, tool
 * grants, events). It imports nothing, so any module may use them without pulling in the options.
 */

/** A refusal written before the protocol core sees the request (401/403 with `WWW-Authenticate`). */
export interface AuthRefusal {
  status: 401 | 403;
  message: string;
  headers?: Record<string, string>;
}

/** What an authenticated caller may use, beyond who it is (per-tool scopes). */
export interface ToolGrant {
  /** Callers of one subject with equal keys may share a protocol session (same visible tools). */
  readonly key: string;
  /** The refusal (403 `insufficient_scope`) for a `tools/call` of this tool, or undefined when allowed. */
  refuse(toolName: string): AuthRefusal | undefined;
}

/** What `authenticate` decides for one request. */
export type AuthOutcome = { ok: true; subject?: string; grant?: ToolGrant } | ({ ok: false } & AuthRefusal);

export interface TransportEvent {
  msg: string;
  [key: string]: unknown;
}
