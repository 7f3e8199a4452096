#!/usr/bin/env node
/**
 * @module An OTLP/HTTP endpoint that accepts and discards traces, for the telemetry benchmark:
 * the runtime's exporter does its full work (batching, encoding, HTTP) against a receiver
 * that costs as little as possible. Prints `otlp-sink listening on http://127.0.0.1:PORT`.
 */
import { createServer } from "node:http";

let spans = 0;
const server = createServer((req, res) => {
  let bytes = 0;
  req.on("data", (chunk) => {
    bytes += chunk.length;
  });
  req.on("end", () => {
    spans += bytes > 0 ? 1 : 0;
    // An empty ExportTraceServiceResponse in the request's encoding (zero bytes in protobuf).
    if (req.headers["content-type"]?.startsWith("application/x-protobuf"))
      res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    else res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`otlp-sink listening on http://127.0.0.1:${server.address().port}\n`);
});
process.on("SIGTERM", () => {
  process.stderr.write(`otlp-sink: ${spans} export requests\n`);
  process.exit(0);
});
