/**
 * @module Per-tool grants at the HTTP edge: a `tools/call` the caller's token may not make is
 * refused with 403 before the protocol core sees it (nothing runs), and sessions created for the
 * caller leave the tools it may not use out of `tools/list`.
 */
import { type DecodedFrame, isRequest, type SessionOptions } from "@mcp-runtime/protocol";
import type { AuthRefusal, ToolGrant } from "./transport-types.js";

/** The refusal for the first `tools/call` in the frame (a batch too) that the grant does not allow. */
export function refuseToolCalls(frame: DecodedFrame, grant: ToolGrant | undefined): AuthRefusal | undefined {
  if (grant === undefined) return undefined;
  if (frame.kind === "batch") {
    for (const inner of frame.messages) {
      const refused = refuseToolCalls(inner, grant);
      if (refused !== undefined) return refused;
    }
    return undefined;
  }
  if (frame.kind !== "message" || !isRequest(frame.message) || frame.message.method !== "tools/call") {
    return undefined;
  }
  const name = frame.message.params?.name;
  return typeof name === "string" ? grant.refuse(name) : undefined;
}

/** Options of a protocol session for this caller. */
export function sessionOptions(subject: string | undefined, grant: ToolGrant | undefined): SessionOptions {
  const options: SessionOptions = subject === undefined ? {} : { subject };
  if (grant !== undefined) options.toolFilter = (name) => grant.refuse(name) === undefined;
  return options;
}
