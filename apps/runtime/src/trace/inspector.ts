/**
 * @module `serve --inspect[=[HOST:]PORT]`: opens the Node inspector in the running process. The
 * default bind is 127.0.0.1:9229; a public address only when the operator writes one, because
 * the inspector runs any code its client sends.
 */
import { open, url } from "node:inspector";

export const DEFAULT_INSPECT_HOST = "127.0.0.1";
export const DEFAULT_INSPECT_PORT = 9229;

export type InspectAddress = { ok: true; host: string; port: number } | { ok: false; message: string };

/** `true` → the default; `"PORT"`, `"HOST:PORT"` or `"[IPv6]:PORT"` otherwise. */
export function parseInspectAddress(value: string | true): InspectAddress {
  if (value === true || value === "")
    return { ok: true, host: DEFAULT_INSPECT_HOST, port: DEFAULT_INSPECT_PORT };
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (match === null || !(port >= 0 && port <= 65535))
    return { ok: false, message: `--inspect expects [HOST:]PORT, got ${JSON.stringify(value)}` };
  const host = match[1]?.replace(/^\[(.*)\]$/, "$1") ?? DEFAULT_INSPECT_HOST;
  return { ok: true, host, port };
}

export type OpenedInspector = { ok: true; url: string; devtools: string } | { ok: false; message: string };

export function openInspector(address: { host: string; port: number }): OpenedInspector {
  try {
    open(address.port, address.host, false);
  } catch (cause) {
    return {
      ok: false,
      message: `cannot open the inspector on ${address.host}:${address.port}: ${cause instanceof Error ? cause.message : String(cause)}`,
    };
  }
  // `url()` carries the real port (port 0 picks one): ws://HOST:PORT/UUID.
  const ws = url();
  if (ws === undefined)
    return {
      ok: false,
      message: `cannot open the inspector on ${address.host}:${address.port} (in use? pick another with --inspect=HOST:PORT)`,
    };
  const target = ws.replace(/^ws:\/\//, "");
  return {
    ok: true,
    url: ws,
    devtools: `devtools://devtools/bundled/js_app.html?experiments=true&v8only=true&ws=${target}`,
  };
}
