/**
 * @module Tool `fetch_url`: one http(s) URL through the SSRF-guarded `ctx.fetch`, returned as text a
 * model can read: HTML as Markdown (or plain text), JSON pretty-printed, text as is; binary refused.
 */
import type { CallToolResult, ToolDefinition } from "@mcp-runtime/plugin-sdk";
import { z } from "zod";
import { classify, decode, mediaType, readCapped } from "../body.js";
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, settingsFor } from "../config.js";
import { HttpFetchError, toHttpFetchError } from "../errors.js";
import { convertHtml } from "../html/to-markdown.js";

const input = z.object({
  url: z.string().min(1).describe("The http:// or https:// URL to fetch"),
  format: z
    .enum(["markdown", "text", "raw"])
    .optional()
    .describe(
      "markdown (default): HTML converted to Markdown; text: HTML as plain text; raw: the body as sent",
    ),
  maxBytes: z
    .int()
    .positive()
    .optional()
    .describe(`Stop reading after this many bytes (default ${DEFAULT_MAX_BYTES}, capped by the operator)`),
  timeoutMs: z
    .int()
    .positive()
    .optional()
    .describe(`Give up after this many milliseconds (default ${DEFAULT_TIMEOUT_MS}, capped by the operator)`),
});

const output = z.object({
  url: z.string(),
  finalUrl: z.string(),
  status: z.int(),
  contentType: z.string(),
  bytes: z.int(),
  truncated: z.boolean(),
  /** the HTML page's `<title>`; absent for other content and pages without one */
  title: z.string().optional(),
});

const ACCEPT = "text/html,application/xhtml+xml,application/json;q=0.9,text/*;q=0.8,*/*;q=0.5";

interface Rendered {
  text: string;
  title?: string;
}

function render(kind: "html" | "json" | "text", text: string, format: string, finalUrl: string): Rendered {
  if (format === "raw") return { text };
  if (kind === "html") {
    const page = convertHtml(text, { baseUrl: finalUrl, plain: format === "text" });
    return page.title === undefined ? { text: page.text } : { text: page.text, title: page.title };
  }
  if (kind === "json") {
    try {
      return { text: JSON.stringify(JSON.parse(text), null, 2) };
    } catch {
      return { text }; // truncated or invalid JSON: the text as sent is still the most useful answer
    }
  }
  return { text };
}

export const fetchUrlTool: ToolDefinition<typeof input> = {
  title: "Fetch URL",
  description:
    "Fetch a public http(s) URL and return its content as text: HTML as Markdown (or plain text), " +
    "JSON pretty-printed, other text as is. Binary content is refused. Private, loopback and " +
    "cloud-metadata addresses are refused unless the operator allowed them.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: true, idempotentHint: true, destructiveHint: false },
  async handler(args, ctx): Promise<CallToolResult> {
    const settings = settingsFor(ctx.config);
    let url: URL;
    try {
      url = new URL(args.url);
    } catch {
      throw new HttpFetchError("ERR_URL", `not a valid URL: ${args.url}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new HttpFetchError("ERR_URL", `only http and https URLs can be fetched, not ${url.protocol}`);
    // The operator's limits are ceilings; a caller may only ask for less.
    const maxBytes = Math.min(args.maxBytes ?? DEFAULT_MAX_BYTES, settings.maxBytes);
    const timeoutMs = Math.min(args.timeoutMs ?? DEFAULT_TIMEOUT_MS, settings.maxTimeoutMs);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([ctx.signal, timeout]);
    const failure = { url: url.href, timeout, timeoutMs, cancel: ctx.signal };

    let response: Response;
    let body: Awaited<ReturnType<typeof readCapped>>;
    try {
      // One byte past maxBytes: ctx.fetch stops reading there (memory per call is bounded by
      // maxBytes), and readCapped can still tell a cut body from one of exactly maxBytes.
      response = await ctx.fetch(url, {
        signal,
        maxBytes: maxBytes + 1,
        truncate: true,
        headers: { accept: ACCEPT, "user-agent": settings.userAgent },
      });
      body = await readCapped(response, maxBytes);
    } catch (cause) {
      throw toHttpFetchError(cause, failure);
    }

    const contentType = response.headers.get("content-type") ?? "";
    const finalUrl = response.url || url.href;
    const structuredContent = {
      url: url.href,
      finalUrl,
      status: response.status,
      contentType,
      bytes: body.bytes.length,
      truncated: body.truncated,
    };
    const kind = classify(contentType, body.bytes);
    if (kind === "binary") {
      throw new HttpFetchError(
        "ERR_BINARY",
        `refused: ${finalUrl} is binary (${mediaType(contentType) || "unknown type"}); fetch_url returns text only`,
      );
    }
    const rendered = render(kind, decode(contentType, body.bytes), args.format ?? "markdown", finalUrl);
    let text = rendered.text;
    if (body.truncated) text += `\n\n[truncated after ${body.bytes.length} bytes]`;
    // An error page is still an answer, but the caller must be able to tell it from content.
    const failed = response.status >= 400;
    if (failed) text = `HTTP ${response.status} ${response.statusText}\n\n${text}`;
    return {
      content: [{ type: "text", text }],
      structuredContent:
        rendered.title === undefined ? structuredContent : { ...structuredContent, title: rendered.title },
      ...(failed ? { isError: true } : {}),
    };
  },
};
