#!/usr/bin/env node
/**
 * @module A WebSocket load driver for MCP over `/mcp/ws` (subprotocol `mcp`), the counterpart of the
 * harness's wrk and stdio drivers: `--conns` connections, each keeping `--inflight` 2026-07-28
 * `tools/call echo` requests in flight (one JSON-RPC message per text frame), an unmeasured
 * warm-up, then `--duration` seconds measured. Every reply must carry the echoed text. Prints one
 * line, `MCPB_WS {json}`: calls/s, p50/p99 ms, failures and the driver's own CPU share (near 100 %
 * means the driver, not the server, was the limit). Run it pinned (`taskset -c 1`) like the harness.
 *
 *   node ws-driver.mjs --url ws://127.0.0.1:PORT/mcp/ws [--conns 8] [--inflight 4] [--warmup 6] [--duration 10]
 */
import { parseArgs } from "node:util";
import WebSocket from "ws";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    conns: { type: "string", default: "8" },
    inflight: { type: "string", default: "4" },
    warmup: { type: "string", default: "6" },
    duration: { type: "string", default: "10" },
  },
});
if (!values.url) {
  process.stderr.write(
    "usage: ws-driver.mjs --url ws://HOST:PORT/mcp/ws [--conns N --inflight K --warmup S --duration S]\n",
  );
  process.exit(2);
}
const conns = Number(values.conns);
const inflight = Number(values.inflight);
const warmupMs = Number(values.warmup) * 1000;
const durationMs = Number(values.duration) * 1000;

// What the v2 client (and the harness's --modern requests) send: the version and capabilities are required.
const META = JSON.stringify({
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "mcp-bench", version: "1.0.0" },
});
const body = (id) =>
  `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"},"_meta":${META}}}`;

let phase = "warmup"; // → "measure" → "stop"
let completed = 0;
let bad = 0;
const latenciesMs = [];

function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(values.url, "mcp", { perMessageDeflate: false });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) =>
      reject(new Error(`handshake refused: HTTP ${res.statusCode}`)),
    );
  });
}

/** One connection: `inflight` calls outstanding until the phase is "stop"; resolves when drained. */
function drive(ws) {
  const started = new Map(); // id -> performance.now() at send
  let nextId = 1;
  const send = () => {
    const id = nextId++;
    started.set(id, performance.now());
    ws.send(body(id));
  };
  return new Promise((resolve, reject) => {
    ws.on("message", (data) => {
      const text = data.toString();
      // The reply's first "id" is the JSON-RPC id: the echoed content holds none.
      const id = Number(/"id":(\d+)/.exec(text)?.[1]);
      const sentAt = started.get(id);
      started.delete(id);
      if (sentAt === undefined || !text.includes('"text":"hello"') || text.includes('"error"')) {
        bad++;
        if (bad === 1) process.stderr.write(`ws-driver: unexpected reply: ${text.slice(0, 300)}\n`);
      } else if (phase === "measure") {
        completed++;
        latenciesMs.push(performance.now() - sentAt);
      }
      if (phase !== "stop") send();
      else if (started.size === 0) resolve();
    });
    ws.once("close", (code) =>
      phase === "stop" ? resolve() : reject(new Error(`connection closed early (${code})`)),
    );
    ws.once("error", reject);
    for (let i = 0; i < inflight; i++) send();
  });
}

const sockets = await Promise.all(Array.from({ length: conns }, open));
const running = Promise.all(sockets.map(drive));
let failure;
running.catch((error) => {
  failure = error;
});
await new Promise((r) => setTimeout(r, warmupMs));
phase = "measure";
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, durationMs));
const elapsedMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
phase = "stop";
await Promise.race([running.catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
for (const ws of sockets) ws.terminate();

const sorted = Float64Array.from(latenciesMs).sort();
const pct = (p) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const result = {
  conns,
  inflight,
  warmupS: warmupMs / 1000,
  durationS: Math.round(elapsedMs) / 1000,
  calls: completed,
  rps: completed / (elapsedMs / 1000),
  p50_ms: pct(0.5),
  p99_ms: pct(0.99),
  bad,
  error: failure ? String(failure.message ?? failure) : undefined,
  loadgen_cpu_pct: Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 1000) / 10,
};
process.stdout.write(`MCPB_WS ${JSON.stringify(result)}\n`);
process.exit(failure || bad > 0 ? 1 : 0);
