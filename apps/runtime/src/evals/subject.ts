/** @module The subject eval calls run as: audit records and rate limits see it, capture skips it. */
export const EVAL_SUBJECT = "mcp-runtime:eval";
