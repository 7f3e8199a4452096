/**
 * @module DNS-rebinding protection (spec: Streamable HTTP, security warning): the Host header must
 * name this server, and a browser's Origin must be allowed. Lists are built once; a check is a few
 * set lookups. Runtime-neutral: the express transport and the fetch handler pass the two headers.
 */

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || host.startsWith("127.");
}

export class HostGuard {
  private readonly allowAnyHost: boolean;
  private readonly allowAnyOrigin: boolean;
  private readonly loopback: boolean;
  private readonly hosts = new Set<string>();
  private readonly origins: Set<string>;
  private readonly configuredHosts: readonly string[] | undefined;

  constructor(
    bindHost: string,
    allowedHosts: readonly string[] | undefined,
    allowedOrigins: readonly string[],
  ) {
    this.loopback = isLoopback(bindHost);
    this.configuredHosts = allowedHosts && allowedHosts.length > 0 ? allowedHosts : undefined;
    // Bound to a public address without a list: the operator fronts it (proxy, TLS); any Host goes.
    this.allowAnyHost = !this.configuredHosts && !this.loopback;
    this.allowAnyOrigin = allowedOrigins.includes("*");
    this.origins = new Set(allowedOrigins.map((o) => o.toLowerCase()));
    this.setPort(undefined);
  }

  /** Called once the listening port is known (port 0 picks it at listen time). */
  setPort(port: number | undefined): void {
    this.hosts.clear();
    const names = this.configuredHosts ?? LOOPBACK_NAMES;
    for (const name of names) {
      const lower = name.toLowerCase();
      if (this.configuredHosts || port === undefined) this.hosts.add(lower);
      else this.hosts.add(`${lower}:${port}`);
    }
  }

  /** Null when a request with these `Host` and `Origin` headers may proceed, else the reason for a 403. */
  check(hostHeader: string | undefined, origin: string | undefined): string | null {
    const host = hostHeader?.toLowerCase();
    if (!this.allowAnyHost) {
      if (host === undefined) return "missing Host header";
      if (!this.hosts.has(host) && !this.hosts.has(stripPort(host))) return "Host not allowed";
    }
    // No Origin: not a browser (SDKs, curl); DNS rebinding needs a browser.
    if (origin === undefined || this.allowAnyOrigin) return null;
    const lower = origin.toLowerCase();
    if (this.origins.has(lower)) return null;
    const originHost = hostOf(lower);
    if (originHost !== undefined && host !== undefined && originHost === host) {
      // Same origin as the request's (already allowed) Host; on a public bind only that exact host.
      if (this.loopback ? isLoopback(stripBrackets(stripPort(originHost))) : true) return null;
    }
    return "Origin not allowed";
  }
}

function stripPort(host: string): string {
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function hostOf(origin: string): string | undefined {
  const scheme = origin.indexOf("://");
  if (scheme === -1) return undefined;
  const rest = origin.slice(scheme + 3);
  const slash = rest.indexOf("/");
  return slash === -1 ? rest : rest.slice(0, slash);
}
