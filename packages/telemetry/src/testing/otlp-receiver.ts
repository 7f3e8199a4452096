/**
 * @module An OTLP/HTTP trace receiver for tests: a `node:http` server on port 0 accepting
 * `POST /v1/traces` in either encoding the exporter sends (protobuf, the default, or JSON),
 * decoded into flat spans. It stands in for the OpenTelemetry Collector, which cannot be installed
 * on the machines our tests run on.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeTraceRequest, type OtlpJsonTraces, type OtlpJsonValue } from "./otlp-protobuf.js";

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean | undefined>;
  status: { code?: number; message?: string };
  resource: Record<string, string | number | boolean | undefined>;
  scope: string | undefined;
}

function flatten(attributes: { key: string; value: OtlpJsonValue }[] = []) {
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const { key, value } of attributes) {
    out[key] =
      value.stringValue ??
      (value.intValue === undefined ? undefined : Number(value.intValue)) ??
      value.boolValue ??
      value.doubleValue;
  }
  return out;
}

/** The JSON exporter may send ids hex or base64 depending on options; normalise to hex. */
function hexId(id: string | undefined, length: number): string | undefined {
  if (id === undefined || id === "") return undefined;
  return new RegExp(`^[0-9a-f]{${length}}$`).test(id) ? id : Buffer.from(id, "base64").toString("hex");
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface OtlpReceiver extends AsyncDisposable {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  readonly requests: { path: string; contentType: string | undefined; headers: Record<string, unknown> }[];
  /**
   * the raw request bodies as UTF-8 text, to check that nothing sensitive was exported (protobuf
   * carries strings as UTF-8 too, so a search for a string finds it in either encoding)
   */
  readonly bodies: string[];
  /** resolves once `predicate` holds for the spans received, or rejects after `timeoutMs` */
  waitFor(predicate: (spans: readonly ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: OtlpReceiver["requests"] = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    void body(req).then((raw) => {
      requests.push({ path: req.url ?? "", contentType: req.headers["content-type"], headers: req.headers });
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.writeHead(404).end();
        return;
      }
      bodies.push(raw.toString("utf8"));
      const protobuf = req.headers["content-type"]?.startsWith("application/x-protobuf") === true;
      const payload: OtlpJsonTraces = protobuf
        ? decodeTraceRequest(raw)
        : (JSON.parse(raw.toString("utf8")) as OtlpJsonTraces);
      for (const rs of payload.resourceSpans ?? []) {
        const resource = flatten(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const span of ss.spans ?? []) {
            spans.push({
              traceId: hexId(span.traceId, 32) ?? "",
              spanId: hexId(span.spanId, 16) ?? "",
              parentSpanId: hexId(span.parentSpanId, 16),
              name: span.name,
              kind: span.kind,
              attributes: flatten(span.attributes),
              status: span.status ?? {},
              resource,
              scope: ss.scope?.name,
            });
          }
        }
      }
      // An empty ExportTraceServiceResponse in the request's encoding (zero bytes in protobuf).
      if (protobuf) res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      else res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    requests,
    bodies,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(spans)) {
        if (Date.now() > deadline)
          throw new Error(
            `spans not received in ${timeoutMs} ms; got ${JSON.stringify(spans.map((s) => s.name))}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
