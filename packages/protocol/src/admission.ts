/**
 * @module Per-client admission as every transport applies it: whom a request counts against, and
 * asking the limiter (synchronously when it answers so) with fail-open. Pure: a transport passes
 * what it read off its socket and headers.
 */

/** The transports' `admit` option: 0 to admit, else the ms to wait. */
export type Admit = (clientKey: string) => number | Promise<number>;

/** A wait longer than a day is a limiter bug or "never"; a day keeps `Retry-After` meaningful. */
export const MAX_ADMISSION_WAIT_MS = 86_400_000;

/** A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; one client, one key. */
function plainAddress(address: string | undefined): string {
  if (address === undefined) return "unknown";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

/**
 * The client address: the socket's, or with `trustProxyHops` proxies in front, the X-Forwarded-For
 * entry that many hops from the right (entries further left are whatever the client claimed).
 * Fewer entries than hops: the leftmost one, as far back as the chain goes.
 */
export function clientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustProxyHops: number,
): string {
  if (trustProxyHops === 0 || typeof forwardedFor !== "string") return plainAddress(remoteAddress);
  let end = forwardedFor.length;
  for (let hop = 1; ; hop++) {
    const comma = forwardedFor.lastIndexOf(",", end - 1);
    if (hop === trustProxyHops || comma === -1) {
      const entry = forwardedFor.slice(comma + 1, end).trim();
      return entry === "" ? plainAddress(remoteAddress) : entry;
    }
    end = comma;
  }
}

/** `sub:<subject>` for an authenticated caller, else `ip:<address>`. */
export function admissionKey(
  subject: string | undefined,
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustProxyHops: number,
): string {
  return subject === undefined
    ? `ip:${clientAddress(remoteAddress, forwardedFor, trustProxyHops)}`
    : `sub:${subject}`;
}

/**
 * The ms to wait (0: admitted). A synchronous answer stays synchronous: no promise, no microtask.
 * A limiter that throws or rejects admits the request (fail open) after `failed` is told why.
 */
export function askAdmission(
  admit: Admit,
  key: string,
  failed: (cause: unknown) => void,
): number | Promise<number> {
  let answer: number | Promise<number>;
  try {
    answer = admit(key);
  } catch (cause) {
    failed(cause);
    return 0;
  }
  if (typeof answer === "number") return answer;
  return Promise.resolve(answer).catch((cause: unknown) => {
    failed(cause);
    return 0;
  });
}
