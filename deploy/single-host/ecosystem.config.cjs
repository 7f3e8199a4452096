/**
 * PM2 ecosystem for mcp-runtime on one host: the runtime and the sidecar, each one process.
 *
 *   pm2 start ecosystem.config.cjs        # both apps
 *   pm2 sendSignal SIGHUP mcp-runtime     # re-read MCP_CONFIG (hot reload)
 *   pm2 logs mcp-runtime                  # JSON lines (stderr)
 *
 * Paths and settings come from the environment of `pm2 start` (defaults below fit the layout in
 * README.md). CommonJS on purpose: PM2 loads ecosystem files with require().
 */
const path = require("node:path");

const env = process.env;
// Where `npm install @mcp-runtime/runtime @mcp-runtime/sidecar ...` ran (README.md, Install).
const home = env.MCP_RUNTIME_HOME || "/opt/mcp-runtime";
const pkg = (name) => path.join(home, "node_modules", "@mcp-runtime", name);

// The runtime drains on SIGTERM/SIGINT for up to server.shutdownGraceMs (default 10 000 ms) and
// then closes sessions, upstreams and sandbox workers; PM2 sends SIGKILL after kill_timeout, so it
// must be longer than the grace. Raise both together.
const RUNTIME_KILL_TIMEOUT_MS = 20_000;

module.exports = {
  apps: [
    {
      name: "mcp-runtime",
      script: path.join(pkg("runtime"), "bin", "mcp-runtime.js"),
      args: ["serve", "--transport", "http"],
      cwd: home,
      // Fork mode, one instance, never cluster mode. Cluster mode runs N copies behind PM2's
      // master, which deals connections round-robin: a 2025-era session (and its SSE stream,
      // Last-Event-ID replay, in-flight tasks) lives in the memory of the process that opened it,
      // so the next request of that session would land on a copy that does not know it. Each
      // copy would also start its own sandbox worker pool and its own stdio upstream
      // subprocesses, and SIGHUP would reach only one. To use more cores, run more runtimes on
      // their own ports with `server.sessions: redis` behind a balancer (deploy/compose).
      exec_mode: "fork",
      instances: 1,
      env: {
        MCP_CONFIG: env.MCP_CONFIG || "/etc/mcp-runtime/mcp-runtime.yaml",
        MCP_HOST: env.MCP_HOST || "127.0.0.1",
        MCP_PORT: env.MCP_PORT || "8080",
        LOG_LEVEL: env.LOG_LEVEL || "info",
      },
      // Restart on crash with exponential back-off (100 ms doubling up to 15 s, reset after a
      // stable run); a crash within min_uptime counts toward max_restarts, then PM2 gives up
      // (`pm2 ls` shows errored) instead of looping on a bad config.
      autorestart: true,
      exp_backoff_restart_delay: 100,
      min_uptime: 10_000,
      max_restarts: 10,
      // PM2 stops with SIGINT (PM2_KILL_SIGNAL), which the runtime drains like SIGTERM.
      kill_timeout: RUNTIME_KILL_TIMEOUT_MS,
      // Signal the runtime only, not its whole tree: it stops its own stdio upstreams and
      // process-mode sandboxes after draining; tree-kill would cut them mid-call.
      treekill: false,
      // No wait_ready: the runtime prints a ready line and answers GET /readyz, it does not
      // process.send("ready"). Probe /readyz from your balancer or monitor.
      // Logs: JSON lines on stderr (error_file), nothing on stdout in HTTP mode. No `time`
      // prefix: each line already carries its timestamp and must stay valid JSON.
      merge_logs: true,
      ...(env.MCP_LOG_DIR
        ? {
            out_file: path.join(env.MCP_LOG_DIR, "mcp-runtime.out.log"),
            error_file: path.join(env.MCP_LOG_DIR, "mcp-runtime.log"),
          }
        : {}),
    },
    {
      name: "mcp-sidecar",
      script: path.join(pkg("sidecar"), "bin", "mcp-sidecar.js"),
      args: ["serve"],
      cwd: home,
      exec_mode: "fork",
      instances: 1,
      env: {
        // The sidecar's own config (host, port, audit.dir, watch); see sidecar.yaml here.
        MCP_SIDECAR_CONFIG: env.MCP_SIDECAR_CONFIG || "/etc/mcp-runtime/sidecar.yaml",
        LOG_LEVEL: env.LOG_LEVEL || "info",
      },
      autorestart: true,
      exp_backoff_restart_delay: 100,
      min_uptime: 10_000,
      max_restarts: 10,
      // On SIGINT/SIGTERM the sidecar flushes and seals the audit file before it exits.
      kill_timeout: 10_000,
      treekill: false,
      merge_logs: true,
      ...(env.MCP_LOG_DIR
        ? {
            out_file: path.join(env.MCP_LOG_DIR, "mcp-sidecar.out.log"),
            error_file: path.join(env.MCP_LOG_DIR, "mcp-sidecar.log"),
          }
        : {}),
    },
  ],
};
