/**
 * @module One Redis round trip (AUTH when the URL has credentials, SELECT for a database path,
 * then PING) over a raw socket: the doctor needs no client library and no retry logic, only a
 * yes or no within a deadline.
 */
import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";

export type PingResult = { ok: true; ms: number } | { ok: false; reason: string; code?: string };

const command = (...args: string[]) =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;

/** `host:port` of a redis URL, never its credentials (for messages). */
export function redisAddress(url: URL): string {
  return `${url.hostname}:${url.port || "6379"}`;
}

export function pingRedis(urlText: string, timeoutMs = 2000): Promise<PingResult> {
  const url = new URL(urlText);
  const started = performance.now();
  const commands: string[] = [];
  const password = decodeURIComponent(url.password);
  const user = decodeURIComponent(url.username);
  if (password !== "")
    commands.push(user !== "" ? command("AUTH", user, password) : command("AUTH", password));
  const db = url.pathname.replace(/^\//, "");
  if (db !== "" && db !== "0") commands.push(command("SELECT", db));
  commands.push(command("PING"));
  const options = { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(url.port || 6379) };
  return new Promise((resolve) => {
    const socket: Socket =
      url.protocol === "rediss:" ? connectTls({ ...options, servername: options.host }) : connectTcp(options);
    let replies = "";
    const finish = (result: PingResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ok: false, reason: `no answer within ${timeoutMs} ms`, code: "ETIMEDOUT" }),
      timeoutMs,
    );
    socket.once(url.protocol === "rediss:" ? "secureConnect" : "connect", () =>
      socket.write(commands.join("")),
    );
    socket.on("data", (chunk) => {
      replies += chunk.toString("utf8");
      const lines = replies.split("\r\n").filter((line) => line !== "");
      const error = lines.find((line) => line.startsWith("-"));
      if (error !== undefined)
        return finish({ ok: false, reason: error.slice(1), code: error.slice(1).split(" ")[0] });
      if (lines.length >= commands.length && lines.at(-1) === "+PONG")
        finish({ ok: true, ms: Math.round(performance.now() - started) });
    });
    socket.once("error", (cause: NodeJS.ErrnoException) =>
      finish({ ok: false, reason: cause.message, ...(cause.code === undefined ? {} : { code: cause.code }) }),
    );
    socket.once("close", () => finish({ ok: false, reason: "the connection closed before PONG" }));
  });
}
