/**
 * @module `npm run bench -- --upstream`: server-everything's `echo` hosted over stdio behind the
 * runtime, beside the gateways teams use for the same job (supergateway, mcp-proxy) and
 * server-everything's own Streamable HTTP mode, all measured by the harness in one run; plus a
 * sampler of each target's process-tree RSS (the harness reports the process group's RSS at the
 * end only, and the runtime starts its upstreams in their own process group).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const TARGET_ENV = "MCP_BENCH_TARGET";

/** server-everything's echo takes `{ message }` and answers `Echo: <message>`. */
const echoCall = (tool) => [
  "--tool",
  tool,
  "--args",
  '{"message":"hello"}',
  "--expect",
  '"text":"Echo: hello"',
];

/** The harness arguments of the upstream targets (and the commands, for the report). */
export function upstreamTargets(repoRoot, workDir, cli) {
  const bin = (path) => join(repoRoot, "node_modules", path);
  const everything = `node ${bin("@modelcontextprotocol/server-everything/dist/index.js")}`;
  const config = join(workDir, "upstream-everything.json");
  writeFileSync(
    config,
    JSON.stringify({
      upstreams: [
        {
          id: "everything",
          command: process.execPath,
          args: [bin("@modelcontextprotocol/server-everything/dist/index.js"), "stdio"],
          sharing: "shared",
        },
      ],
      telemetry: { logLevel: "warn" },
    }),
  );
  const commands = {
    "everything-direct": `${everything} streamableHttp`,
    supergateway: `node ${bin("supergateway/dist/index.js")} --stdio '${everything} stdio' --outputTransport streamableHttp --stateful --port $PORT --logLevel none`,
    "mcp-proxy": `node ${bin("mcp-proxy/dist/bin/mcp-proxy.mjs")} --port $PORT --host 127.0.0.1 --server stream -- ${everything} stdio`,
    "mcp-runtime-upstream": `${cli} serve --transport http --port $PORT --config ${config}`,
    "mcp-runtime-upstream-modern": `${cli} serve --transport http --port $PORT --config ${config}`,
    "everything-stdio": `${everything} stdio`,
  };
  const target = (name, ...rest) => ["--target", name, "--cmd", commands[name], ...rest];
  const args = [
    ...target("everything-direct", "--stateful", ...echoCall("echo")),
    ...target("supergateway", "--stateful", ...echoCall("echo")),
    ...target("mcp-proxy", "--stateful", ...echoCall("echo")),
    ...target("mcp-runtime-upstream", "--stateful", ...echoCall("everything.echo")),
    ...target("mcp-runtime-upstream-modern", "--modern", ...echoCall("everything.echo")),
    // The ceiling behind every gateway: server-everything itself over stdio, driven directly.
    ...target("everything-stdio", "--stdio", ...echoCall("echo")),
  ];
  return { args, commands };
}

/** Prefixes every `--cmd` with an environment marker naming its target, for the RSS sampler. */
export function markTargets(args) {
  const marked = [...args];
  let name;
  for (let i = 0; i < marked.length - 1; i++) {
    if (marked[i] === "--target") name = marked[i + 1];
    if (marked[i] === "--cmd" && name) marked[i + 1] = `${TARGET_ENV}=${name} ${marked[i + 1]}`;
  }
  return marked;
}

function readProcs() {
  const procs = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // The command name changes on exec (taskset → bash → node keep one pid), and so may the environment.
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      procs.set(Number(entry), { ppid: Number(fields[1]), rssKb: Number(fields[21]) * 4, comm });
    } catch {
      // gone between readdir and read
    }
  }
  return procs;
}

function targetOf(pid) {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
    const found = new RegExp(`(?:^|\\0)${TARGET_ENV}=([^\\0]+)`).exec(environ);
    return found?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Samples, every `intervalMs`, the RSS of each marked target's process tree (the marked process
 * and all its descendants, whatever their process group). Per target: the peak, and per process
 * instance (one per harness run) the first and last samples, which tell a flat RSS from growth.
 */
export function startRssSampler(intervalMs = 500) {
  const marked = new Map(); // pid -> target name, or null when not a target
  const seenAs = new Map(); // pid -> command name when its environment was read
  const series = new Map(); // "name pid" -> { name, pid, first, last, peak, samples }
  const tick = () => {
    const procs = readProcs();
    const children = new Map();
    for (const [pid, p] of procs) {
      if (!children.has(p.ppid)) children.set(p.ppid, []);
      children.get(p.ppid).push(pid);
    }
    for (const [pid, p] of procs) {
      if (seenAs.get(pid) === p.comm) continue;
      seenAs.set(pid, p.comm);
      marked.set(pid, targetOf(pid) ?? null);
    }
    for (const pid of marked.keys()) {
      if (procs.has(pid)) continue;
      marked.delete(pid);
      seenAs.delete(pid);
    }
    for (const [pid, name] of marked) {
      // Only the top of a marked tree (a marked process whose parent is not marked for the same target).
      if (!name || marked.get(procs.get(pid)?.ppid) === name) continue;
      let rssKb = 0;
      const stack = [pid];
      while (stack.length > 0) {
        const next = stack.pop();
        rssKb += procs.get(next)?.rssKb ?? 0;
        stack.push(...(children.get(next) ?? []));
      }
      const key = `${name} ${pid}`;
      const s = series.get(key) ?? {
        name,
        pid,
        first: rssKb,
        last: rssKb,
        peak: 0,
        samples: 0,
        timeline: [],
      };
      s.last = rssKb;
      if (s.samples % 4 === 0) s.timeline.push(Math.round(rssKb / 1024));
      s.peak = Math.max(s.peak, rssKb);
      s.samples++;
      series.set(key, s);
    }
  };
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const byTarget = {};
      for (const s of series.values()) {
        // An orphan or zombie left behind when the harness stopped the target: not an instance.
        if (s.peak === 0) continue;
        const mb = (kb) => Math.round(kb / 102.4) / 10;
        byTarget[s.name] ??= { peakMb: 0, instances: [] };
        const t = byTarget[s.name];
        t.peakMb = Math.max(t.peakMb, mb(s.peak));
        t.instances.push({
          firstMb: mb(s.first),
          // Half-way through the process's life (warm-up done or nearly) and near its end (before
          // the harness stops it, when a dying child would shrink the tree): the difference is growth.
          midMb: s.timeline[Math.floor(s.timeline.length / 2)] ?? 0,
          lateMb: s.timeline[Math.floor(s.timeline.length * 0.9)] ?? 0,
          lastMb: mb(s.last),
          peakMb: mb(s.peak),
          samples: s.samples,
          mbEvery2s: s.timeline,
        });
      }
      return byTarget;
    },
  };
}

const GATEWAYS = ["supergateway", "mcp-proxy"];
const UPSTREAM_ROWS = [
  "everything-direct",
  ...GATEWAYS,
  "mcp-runtime-upstream",
  "mcp-runtime-upstream-modern",
  "everything-stdio (seq)",
  "everything-stdio (pipe 64)",
];

/** Per run: the runtime (legacy session and modern) ÷ the faster gateway of the same run. */
export function upstreamRatios(runs) {
  return runs.map(({ rows }) => {
    const row = (name) => rows.find((r) => r.name === name);
    const fasterGateway = GATEWAYS.map(row)
      .filter(Boolean)
      .sort((a, b) => b.rps - a.rps)[0];
    const share = (name) => (row(name) && fasterGateway ? row(name).rps / fasterGateway.rps : undefined);
    return {
      fasterGateway: fasterGateway?.name,
      upstreamVsGateway: share("mcp-runtime-upstream"),
      upstreamModernVsGateway: share("mcp-runtime-upstream-modern"),
    };
  });
}

/** The markdown table of the upstream rows of every run, with errors and the sampled RSS. */
export function upstreamTable(runs, rss, fmt) {
  const lines = [
    "| run | target | req/s | p50 ms | p99 ms | ×raw-http | ÷ faster gateway | errors (non-2xx / bad / socket) | RSS half-way → late MB (peak) |",
    "|---:|---|---:|---:|---:|---:|---:|---|---|",
  ];
  runs.forEach(({ rows }, i) => {
    const raw = rows.find((r) => r.name === "raw-http");
    const gateway = Math.max(...rows.filter((r) => GATEWAYS.includes(r.name)).map((r) => r.rps));
    for (const name of UPSTREAM_ROWS) {
      const r = rows.find((x) => x.name === name);
      if (!r) continue;
      const sock = r.socket_errors ? Object.values(r.socket_errors).reduce((a, b) => a + (b ?? 0), 0) : "–";
      // Each run starts its own processes (a stdio target one per driver mode): this run's share.
      const all = rss[name.replace(/ \(.*\)$/, "")]?.instances ?? [];
      const per = Math.max(1, Math.round(all.length / runs.length));
      const mine = all.slice(i * per, (i + 1) * per);
      const last = mine.at(-1);
      const mem = last
        ? `${fmt(last.midMb, 0)} → ${fmt(last.lateMb, 0)} (${fmt(Math.max(...mine.map((m) => m.peakMb)), 0)})`
        : "–";
      const ratio = r.kind === "stdio" || !Number.isFinite(gateway) ? undefined : r.rps / gateway;
      lines.push(
        `| ${i + 1} | ${name} | ${fmt(r.rps, 0)} | ${fmt(r.p50_ms)} | ${fmt(r.p99_ms)} | ${r.kind === "stdio" ? "–" : fmt(raw ? r.rps / raw.rps : undefined, 3)} | ${fmt(ratio)} | ${r.non2xx ?? "–"} / ${r.bad_body ?? "–"} / ${sock} | ${mem} |`,
      );
    }
  });
  return lines;
}
