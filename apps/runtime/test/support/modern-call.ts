/**
 * @module One 2026-07-28 request over HTTP, as a task-capable (or plain) client sends it: headers
 * and `_meta` envelope, JSON or SSE answer. Resolves with the result; a JSON-RPC error is thrown as
 * an Error whose message is the error as JSON, with its `code` and `data` on it.
 */

const TASKS = "io.modelcontextprotocol/tasks";

export interface ModernCallOptions {
  /** the Mcp-Name header (tool name, task id); left out when undefined */
  name?: string;
  /** declare the tasks extension in the client capabilities; default true */
  tasks?: boolean;
  /** the JSON-RPC id; default 1 */
  id?: number;
  /** more HTTP headers (e.g. `traceparent`) */
  headers?: Record<string, string>;
  /** more `_meta` entries (e.g. `traceparent`) */
  meta?: Record<string, unknown>;
}

/** One 2026-07-28 request over HTTP: the raw `fetch` Response (status and headers kept). */
export function modernPost(
  url: string,
  method: string,
  params: Record<string, unknown>,
  options: ModernCallOptions = {},
): Promise<Response> {
  const { name, tasks = true, id = 1, headers = {}, meta = {} } = options;
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": method,
      ...(name === undefined ? {} : { "mcp-name": name }),
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id,
      method,
      params: {
        ...params,
        _meta: {
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientCapabilities": tasks ? { extensions: { [TASKS]: {} } } : {},
          ...meta,
        },
      },
    }),
  });
}

export async function modernCall(
  url: string,
  method: string,
  params: Record<string, unknown>,
  options: ModernCallOptions = {},
): Promise<Record<string, unknown>> {
  const response = await modernPost(url, method, params, options);
  const text = await response.text();
  // An SSE answer: the event that carries the result or the error.
  const json = text.startsWith("{")
    ? text
    : (text
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5))
        .find((l) => l.includes('"result"') || l.includes('"error"')) ?? "{}");
  const message = JSON.parse(json) as {
    result?: Record<string, unknown>;
    error?: { code: number; data?: unknown };
  };
  const { error } = message;
  if (error) throw Object.assign(new Error(JSON.stringify(error)), { code: error.code, data: error.data });
  return message.result ?? {};
}
