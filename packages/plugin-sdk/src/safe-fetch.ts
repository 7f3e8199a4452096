/**
 * @module `ctx.fetch`: HTTP(S) with an SSRF guard. The host name is resolved here, every address is
 * vetted (private, loopback, link-local, metadata, multicast and reserved ranges are refused unless
 * the operator allows that host), and the connection goes to the vetted address, so a second DNS
 * answer cannot swap it (no rebinding). Redirects are followed by hand, each hop vetted again.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";

export type SafeFetchErrorCode =
  | "ERR_FETCH_BLOCKED"
  | "ERR_FETCH_NOT_ALLOWED"
  | "ERR_FETCH_PROTOCOL"
  | "ERR_FETCH_REDIRECTS"
  | "ERR_FETCH_TOO_LARGE";

export class SafeFetchError extends Error {
  readonly code: SafeFetchErrorCode;
  constructor(code: SafeFetchErrorCode, message: string) {
    super(message);
    this.name = "SafeFetchError";
    this.code = code;
  }
}

export interface SafeFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** largest body read; default 10 MiB */
  maxBytes?: number;
  /**
   * Past `maxBytes`: `false` (default) rejects with ERR_FETCH_TOO_LARGE; `true` stops reading
   * there and returns the first `maxBytes` bytes (the connection is closed). To tell a cut body
   * from one of exactly `maxBytes`, ask for one byte more than you keep.
   */
  truncate?: boolean;
}

export type SafeFetch = (url: string | URL, init?: SafeFetchInit) => Promise<Response>;

export interface SafeFetchOptions {
  /**
   * Hosts the plugin may reach: `example.com`, `*.example.com`, an IP literal, or `*` for any
   * public host. A private or loopback address is reached only when its host is listed by name
   * (never through `*`).
   */
  allow: readonly string[];
  maxRedirects?: number;
}

const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  BLOCKED.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
  ["2001:db8::", 32],
  ["100::", 64],
] as const)
  BLOCKED.addSubnet(net, prefix, "ipv6");

/** True for addresses a plugin must not reach by default (including IPv4 inside IPv6 forms). */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, "ipv4");
  if (family !== 6) return true;
  const mapped = /^(?:::ffff:|::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return BLOCKED.check(mapped[1], "ipv4");
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hexMapped?.[1] && hexMapped[2]) {
    const a = Number.parseInt(hexMapped[1], 16);
    const b = Number.parseInt(hexMapped[2], 16);
    return BLOCKED.check(`${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`, "ipv4");
  }
  return BLOCKED.check(address, "ipv6");
}

function bare(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

export function createSafeFetch(options: SafeFetchOptions): SafeFetch {
  const named = new Set(
    options.allow.filter((h) => h !== "*" && !h.startsWith("*.")).map((h) => bare(h).toLowerCase()),
  );
  const suffixes = options.allow.filter((h) => h.startsWith("*.")).map((h) => h.slice(1).toLowerCase());
  const anyPublic = options.allow.includes("*");
  const maxRedirects = options.maxRedirects ?? 5;

  const listed = (host: string) => named.has(host) || suffixes.some((s) => host.endsWith(s));

  /** Resolves and vets `host`; returns the one address to connect to. */
  const vet = async (host: string): Promise<{ address: string; family: number }> => {
    if (!anyPublic && !listed(host))
      throw new SafeFetchError(
        "ERR_FETCH_NOT_ALLOWED",
        `host ${host} is not in this plugin's network allow-list`,
      );
    const addresses = isIP(host)
      ? [{ address: host, family: isIP(host) }]
      : await dnsLookup(host, { all: true, verbatim: true });
    if (addresses.length === 0) throw new SafeFetchError("ERR_FETCH_BLOCKED", `host ${host} has no address`);
    // Explicitly named hosts (or their literal address) may be private: the operator said so.
    for (const { address } of addresses) {
      if (isBlockedAddress(address) && !named.has(host) && !named.has(address))
        throw new SafeFetchError(
          "ERR_FETCH_BLOCKED",
          `refused: ${host} resolves to a private, loopback, link-local or reserved address`,
        );
    }
    return addresses[0] as { address: string; family: number };
  };

  const once = async (
    url: URL,
    init: SafeFetchInit,
    method: string,
    body: SafeFetchInit["body"],
  ): Promise<IncomingMessage> => {
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new SafeFetchError(
        "ERR_FETCH_PROTOCOL",
        `only http and https URLs can be fetched, not ${url.protocol}`,
      );
    const host = bare(url.hostname).toLowerCase();
    const target = await vet(host);
    const lookup: LookupFunction = (_name, opts, callback) => {
      if ((opts as { all?: boolean }).all)
        (callback as unknown as (e: null, a: object[]) => void)(null, [target]);
      else callback(null, target.address, target.family);
    };
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers: init.headers, lookup, signal: init.signal }, resolve);
      req.on("error", reject);
      req.end(body);
    });
  };

  return async (input, init = {}) => {
    let url = new URL(String(input));
    let method = (init.method ?? "GET").toUpperCase();
    let body = init.body;
    for (let hop = 0; ; hop++) {
      const res = await once(url, init, method, body);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        res.resume();
        if (hop >= maxRedirects)
          throw new SafeFetchError("ERR_FETCH_REDIRECTS", `more than ${maxRedirects} redirects`);
        url = new URL(location, url);
        if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
          method = "GET";
          body = undefined;
        }
        continue;
      }
      const maxBytes = init.maxBytes ?? 10 * 1024 * 1024;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res as AsyncIterable<Buffer>) {
        const room = maxBytes - size;
        if (chunk.length > room) {
          res.destroy();
          if (init.truncate !== true)
            throw new SafeFetchError("ERR_FETCH_TOO_LARGE", `response body is larger than ${maxBytes} bytes`);
          if (room > 0) chunks.push(chunk.subarray(0, room));
          break;
        }
        size += chunk.length;
        chunks.push(chunk);
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (value === undefined) continue;
        for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
      }
      const nullBody = status === 204 || status === 304 || method === "HEAD";
      const response = new Response(nullBody ? null : Buffer.concat(chunks), {
        status,
        statusText: res.statusMessage ?? "",
        headers,
      });
      Object.defineProperty(response, "url", { value: url.href });
      return response;
    }
  };
}
