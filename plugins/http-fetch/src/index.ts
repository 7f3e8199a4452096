/** @module Public entry of @mcp-runtime/plugin-http-fetch: fetch a URL as text through the SSRF-guarded ctx.fetch. */
import { definePlugin } from "@mcp-runtime/plugin-sdk";
import { httpFetchConfigSchema } from "./config.js";
import { fetchUrlTool } from "./tools/fetch-url.js";

export { HttpFetchError, type HttpFetchErrorCode } from "./errors.js";
export {
  convertHtml,
  type HtmlConversion,
  type HtmlConversionOptions,
  htmlToMarkdown,
} from "./html/to-markdown.js";

export default definePlugin({
  name: "http-fetch",
  version: "0.1.0",
  description: "Fetch http(s) URLs as Markdown or text, with private and metadata addresses refused",
  config: httpFetchConfigSchema,
  tools: { fetch_url: fetchUrlTool },
});
