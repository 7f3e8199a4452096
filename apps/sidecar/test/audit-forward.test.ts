/**
 * SIEM forwarding against real collectors on port 0: RFC 5424 frames with RFC 6587 octet counting
 * over TCP, and JSON-array POSTs over HTTP. Forwarding is best effort and never holds up local writes.
 */
import {
  createServer as createHttpServer,
  type Server as HttpServer,
  type IncomingHttpHeaders,
} from "node:http";
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AuditLog, listAuditFiles, verifyAuditFiles } from "../src/audit/index.js";
import { readLines, removeTempDirs, tempDir, toolCall } from "./support/audit-files.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await removeTempDirs();
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A syslog collector that splits the TCP stream by octet counting. */
async function startSyslogCollector(
  port = 0,
): Promise<{ port: number; messages: string[]; server: NetServer; stop(): Promise<void> }> {
  const messages: string[] = [];
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(0x20);
        if (space === -1) return;
        const length = Number(buffer.subarray(0, space).toString("ascii"));
        if (buffer.length < space + 1 + length) return;
        messages.push(buffer.subarray(space + 1, space + 1 + length).toString("utf8"));
        buffer = buffer.subarray(space + 1 + length);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const stop = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port: (server.address() as AddressInfo).port, messages, server, stop };
}

async function startHttpCollector(statuses: number[] = []): Promise<{
  url: string;
  bodies: unknown[][];
  headers: IncomingHttpHeaders[];
  stop(): Promise<void>;
}> {
  const bodies: unknown[][] = [];
  const headers: IncomingHttpHeaders[] = [];
  const server: HttpServer = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const status = statuses.shift() ?? 200;
      if (status === 200) {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown[]);
        headers.push(request.headers);
      }
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`, bodies, headers, stop };
}

const RFC5424 = /^<110>1 (\S+) (\S+) mcp-sidecar (\d+) (\S+) - (\{.*\})$/s;

describe("syslog forwarding", () => {
  it("delivers every record as an octet-counted RFC 5424 frame: MSGID the record type, MSG the line on disk", async () => {
    const collector = await startSyslogCollector();
    cleanups.push(collector.stop);
    const dir = await tempDir();
    const log = await AuditLog.open({
      dir,
      forward: { syslog: { host: "127.0.0.1", port: collector.port } },
    });
    log.append(toolCall(1), { node: "n1", seq: 1 });
    log.append({ type: "auth_failure", ts: 1, status: 401, reason: "bad token\nsecond line" });
    await log.close();
    const lines = await readLines(log.currentFile);
    await until(() => collector.messages.length === lines.length);
    const parsed = collector.messages.map((message) => RFC5424.exec(message));
    expect(parsed.map((match) => match?.[4])).toEqual(["segment", "tool_call", "auth_failure", "checkpoint"]);
    expect(parsed.map((match) => match?.[5])).toEqual(lines);
    expect(parsed[1]?.[3]).toBe(String(process.pid));
    expect(parsed[1]?.[1]).toBe(JSON.parse(lines[1] as string).ts);
    expect(log.stats).toMatchObject({ forwarded: 4, forwardDropped: 0 });
  });

  it("reconnects with backoff when the collector comes up late, without holding up local writes", async () => {
    const probe = await startSyslogCollector();
    const port = probe.port;
    await probe.stop(); // a port with nobody listening, for now
    const dir = await tempDir();
    const log = await AuditLog.open({
      dir,
      forward: { syslog: { host: "127.0.0.1", port }, retryMinMs: 20, retryMaxMs: 100 },
    });
    log.append(toolCall(1));
    await log.flush(); // durable although the collector is down
    const collector = await startSyslogCollector(port);
    cleanups.push(collector.stop);
    log.append(toolCall(2));
    await log.flush();
    await until(() => collector.messages.length >= 3);
    expect(collector.messages.map((message) => RFC5424.exec(message)?.[4])).toEqual([
      "segment",
      "tool_call",
      "tool_call",
    ]);
    await log.close();
  });

  it("drops and counts records beyond maxQueue while the collector is unreachable; the local log is complete", async () => {
    const probe = await startSyslogCollector();
    await probe.stop();
    const dir = await tempDir();
    const log = await AuditLog.open({
      dir,
      forward: { syslog: { host: "127.0.0.1", port: probe.port }, maxQueue: 5, retryMinMs: 10_000 },
    });
    for (let index = 0; index < 20; index++) log.append(toolCall(index));
    await log.flush();
    // 1 segment + 20 events = 21 records for a queue of 5
    expect(log.stats.forwardDropped).toBe(16);
    expect(log.stats.forwardQueued).toBe(5);
    await log.close();
    expect(await verifyAuditFiles(await listAuditFiles(dir))).toMatchObject({ ok: true, records: 22 });
    expect(log.stats).toMatchObject({ forwarded: 0, forwardDropped: 22, forwardQueued: 0 });
  });
});

describe("http forwarding", () => {
  it("POSTs each batch as a JSON array of the records, with the configured headers", async () => {
    const collector = await startHttpCollector();
    cleanups.push(collector.stop);
    const dir = await tempDir();
    const log = await AuditLog.open({
      dir,
      forward: { http: { url: collector.url, headers: { authorization: "Bearer siem-token" } } },
    });
    for (let index = 0; index < 50; index++) log.append(toolCall(index));
    await log.flush();
    log.append(toolCall(50));
    await log.close();
    const lines = (await readLines(log.currentFile)).map((line) => JSON.parse(line) as unknown);
    await until(() => collector.bodies.flat().length === lines.length);
    expect(collector.bodies.flat()).toEqual(lines);
    expect(collector.bodies.length).toBeGreaterThan(1);
    expect(collector.headers[0]).toMatchObject({
      authorization: "Bearer siem-token",
      "content-type": "application/json",
    });
    expect(log.stats).toMatchObject({ forwarded: lines.length, forwardDropped: 0 });
  });

  it("retries a batch after 503 and 429, and drops (counts) a batch refused with 400", async () => {
    const collector = await startHttpCollector([503, 429]);
    cleanups.push(collector.stop);
    const dir = await tempDir();
    const log = await AuditLog.open({ dir, forward: { http: { url: collector.url }, retryMinMs: 10 } });
    log.append(toolCall(1));
    await log.flush();
    // the batch holding the segment is refused twice, then delivered (with the event, if it has arrived)
    await until(() => collector.bodies.flat().length === 2);
    const lines = (await readLines(log.currentFile)).map((line) => JSON.parse(line) as unknown);
    expect(collector.bodies.flat()).toEqual(lines);
    expect(log.stats).toMatchObject({ forwarded: 2, forwardDropped: 0 });

    // the segment goes out at open, the event in a second POST: both refused
    const refusing = await startHttpCollector([400, 400]);
    cleanups.push(refusing.stop);
    const other = await AuditLog.open({ dir: await tempDir(), forward: { http: { url: refusing.url } } });
    other.append(toolCall(2));
    await other.flush();
    await until(() => other.stats.forwardDropped === 2);
    expect(refusing.bodies).toEqual([]);
    await other.close();
    await log.close();
  });
});
