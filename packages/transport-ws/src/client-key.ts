/**
 * @module Who a connection's requests count against for admission: `sub:<subject>` when the
 * handshake authenticated one, else `ip:<address>` of the upgrade request. The same rule as the
 * HTTP transport's (kept in step by hand: transports depend on the protocol core only).
 */
import type { IncomingMessage } from "node:http";

function socketAddress(request: IncomingMessage): string {
  const address = request.socket.remoteAddress;
  if (address === undefined) return "unknown";
  // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; one client, one key.
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

/**
 * The client address: the socket's, or with `trustProxyHops` proxies in front, the X-Forwarded-For
 * entry that many hops from the right (entries further left are whatever the client claimed).
 * Fewer entries than hops: the leftmost one, as far back as the chain goes.
 */
export function clientAddress(request: IncomingMessage, trustProxyHops: number): string {
  const forwarded = trustProxyHops === 0 ? undefined : request.headers["x-forwarded-for"];
  if (typeof forwarded !== "string") return socketAddress(request);
  let end = forwarded.length;
  for (let hop = 1; ; hop++) {
    const comma = forwarded.lastIndexOf(",", end - 1);
    if (hop === trustProxyHops || comma === -1) {
      const entry = forwarded.slice(comma + 1, end).trim();
      return entry === "" ? socketAddress(request) : entry;
    }
    end = comma;
  }
}

export function clientKey(
  request: IncomingMessage,
  subject: string | undefined,
  trustProxyHops: number,
): string {
  return subject === undefined ? `ip:${clientAddress(request, trustProxyHops)}` : `sub:${subject}`;
}
