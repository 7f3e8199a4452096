/**
 * @module `WWW-Authenticate: Bearer ...` values (RFC 6750 §3, RFC 9728 §5.1). Clients find the
 * authorization server through `resource_metadata`, so it is always an absolute URL.
 */
import type { AuthDecision, AuthFailureError } from "./types.js";

function quoted(value: string): string {
  // RFC 7235 quoted-string: escape backslash and quote; drop control characters.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return `"${value.replace(/[\u0000-\u001f\u007f]/g, "").replace(/[\\"]/g, "\\$&")}"`;
}

export interface ChallengeInput {
  status: 401 | 403;
  resourceMetadataUrl: string;
  /** Scopes the client should ask for (space-separated in the header); omitted when empty. */
  scopes: readonly string[];
  error?: AuthFailureError;
  description: string;
}

export function bearerChallenge(input: ChallengeInput): string {
  const params: string[] = [];
  if (input.error !== undefined) {
    params.push(`error=${quoted(input.error)}`, `error_description=${quoted(input.description)}`);
  }
  params.push(`resource_metadata=${quoted(input.resourceMetadataUrl)}`);
  if (input.scopes.length > 0) params.push(`scope=${quoted(input.scopes.join(" "))}`);
  return `Bearer ${params.join(", ")}`;
}

/** A refusal decision with its header built. */
export function refusal(input: ChallengeInput): AuthDecision & { ok: false } {
  return {
    ok: false,
    status: input.status,
    wwwAuthenticate: bearerChallenge(input),
    ...(input.error === undefined ? {} : { error: input.error }),
    description: input.description,
  };
}

/** The bearer token of an `Authorization` header; `null` when absent, `undefined` when malformed. */
export function bearerToken(header: string | undefined): string | null | undefined {
  if (header === undefined || header === "") return null;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match?.[1];
}
