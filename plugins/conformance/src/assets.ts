/** @module Fixture data shared by tools, resources and prompts: the reference server's exact payloads. */

/** A 1x1 red PNG; the suite only checks presence, but we keep the reference bytes so diffs stay trivial. */
export const TEST_IMAGE_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

/** A minimal WAV file (44-byte header, one sample); tools-call-audio checks `audio/wav` exactly. */
export const TEST_AUDIO_BASE64 = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

/** Gap between log and progress notifications: the reference server's 50 ms, so clients see distinct events. */
export const STEP_DELAY_MS = 50;

/** The schema every input-required fixture uses to ask for one string field. */
export function singleFieldSchema(field: string, type: "string" | "boolean" = "string") {
  return { type: "object", properties: { [field]: { type } }, required: [field] };
}

/** A sampling request for one user text, as the reference fixtures send it. */
export function userTextSampling(text: string, maxTokens: number) {
  return { messages: [{ role: "user" as const, content: { type: "text", text } }], maxTokens };
}

/** The text of a sampling answer: `content` is one block (2025-06-18) or an array of blocks (2025-11-25). */
export function samplingText(content: unknown): string | undefined {
  const blocks: unknown[] = Array.isArray(content) ? content : [content];
  for (const block of blocks) {
    if (typeof block === "object" && block !== null && "text" in block && typeof block.text === "string")
      return block.text;
  }
  return undefined;
}

/** A field of an accepted elicitation's content; undefined when declined, cancelled or missing. */
export function acceptedField(
  result: { action: string; content?: Record<string, unknown> },
  field: string,
): unknown {
  return result.action === "accept" ? result.content?.[field] : undefined;
}
