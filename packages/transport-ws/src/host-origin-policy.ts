/**
 * @module DNS-rebinding and cross-site WebSocket hijacking protection, as pure functions of two
 * header values. Browsers apply no CORS to WebSocket handshakes, so Origin is the only thing that
 * stops a web page from driving a local server; Host stops a rebound DNS name. No I/O here, so the
 * module can move to a shared package unchanged. Lists are built once; a check is a few lookups.
 */

export interface HostOriginPolicyOptions {
  /** Address the server listens on; a loopback bind tightens both defaults. */
  bindHost: string;
  /** Listening port, when known; the default Host list names it. */
  port?: number | undefined;
  /** Host header values allowed: `name` (any port) or `name:port`. */
  allowedHosts?: readonly string[] | undefined;
  /** Origins allowed besides loopback ones: exact `scheme://host[:port]`, or "*". */
  allowedOrigins?: readonly string[] | undefined;
}

/** Null when the handshake may proceed, else the reason for a 403. */
export type HostOriginCheck = (host: string | undefined, origin: string | undefined) => string | null;

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

export function isLoopbackName(name: string): boolean {
  return name === "localhost" || name === "::1" || name === "[::1]" || /^127(\.\d{1,3}){3}$/.test(name);
}

/** `name` part of a Host header value (`[v6]:port`, `name:port` or `name`), lower case. */
function hostName(host: string): string {
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

function normalizeOrigin(entry: string): string {
  if (entry === "*") return entry;
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new TypeError(`"allowedOrigins" option entry "${entry}" must be "*" or scheme://host[:port]`);
  }
  // Origins compare as serialized by browsers: lower case, no path, default port omitted.
  if (url.origin === "null" || entry.replace(/\/$/, "").toLowerCase() !== url.origin) {
    throw new TypeError(`"allowedOrigins" option entry "${entry}" must be "*" or scheme://host[:port]`);
  }
  return url.origin;
}

export function createHostOriginCheck(options: HostOriginPolicyOptions): HostOriginCheck {
  const loopback = isLoopbackName(options.bindHost);
  const configured = options.allowedHosts?.length ? options.allowedHosts : undefined;
  // Bound to a public address without a list: an operator fronts it (proxy, TLS), so any Host goes.
  const anyHost = configured === undefined && !loopback;
  const hosts = new Set<string>();
  if (configured) for (const host of configured) hosts.add(host.toLowerCase());
  else {
    for (const name of LOOPBACK_NAMES) {
      // Port 80 is left out of Host by clients, and an unknown port cannot be pinned.
      if (options.port === undefined || options.port === 80) hosts.add(name);
      if (options.port !== undefined) hosts.add(`${name}:${options.port}`);
    }
  }
  const origins = new Set((options.allowedOrigins ?? []).map(normalizeOrigin));
  const anyOrigin = origins.has("*");

  return (rawHost, rawOrigin) => {
    if (!anyHost) {
      if (rawHost === undefined) return "missing Host header";
      const host = rawHost.toLowerCase();
      if (!hosts.has(host) && !(configured && hosts.has(hostName(host)))) return "Host not allowed";
    }
    // No Origin: not a browser (SDKs, CLIs); hijacking and rebinding both need a browser.
    if (rawOrigin === undefined || anyOrigin) return null;
    const origin = rawOrigin.toLowerCase();
    if (origins.has(origin)) return null;
    // A page served from this machine (an inspector on another local port) may connect to a
    // loopback-bound server; a public bind trusts only the list.
    if (loopback && isLoopbackName(originHostName(origin))) return null;
    return "Origin not allowed";
  };
}

function originHostName(origin: string): string {
  const scheme = origin.indexOf("://");
  if (scheme === -1) return "";
  const rest = origin.slice(scheme + 3);
  const slash = rest.indexOf("/");
  return hostName(slash === -1 ? rest : rest.slice(0, slash));
}
