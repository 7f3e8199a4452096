/**
 * @module Decodes the OTLP/HTTP protobuf body of `POST /v1/traces` (an ExportTraceServiceRequest,
 * opentelemetry-proto `collector/trace/v1`) into the same shape as its JSON encoding, so the test
 * receiver reads both. Only what the receiver reports is decoded (resource and span attributes,
 * ids, name, kind, status, scope name); other fields are skipped by wire type.
 */

/** The JSON encoding's shape of the parts the receiver reads (ids as hex). */
export interface OtlpJsonValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}
export interface OtlpJsonKeyValue {
  key: string;
  value: OtlpJsonValue;
}
export interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpJsonKeyValue[];
  status?: { code?: number; message?: string };
}
export interface OtlpJsonTraces {
  resourceSpans?: {
    resource?: { attributes?: OtlpJsonKeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: OtlpJsonSpan[] }[];
  }[];
}

const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;
const FIXED32 = 5;

/** One message's fields as (field number, wire type, value) in order; nested messages stay bytes. */
function* fields(buf: Buffer): Generator<{ field: number; type: number; varint: bigint; bytes: Buffer }> {
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buf[at++];
      if (byte === undefined) throw new Error("truncated protobuf varint");
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
    }
  };
  const empty = Buffer.alloc(0);
  while (at < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const type = key & 7;
    if (type === VARINT) yield { field, type, varint: varint(), bytes: empty };
    else if (type === BYTES) {
      const length = Number(varint());
      if (at + length > buf.length) throw new Error("truncated protobuf field");
      yield { field, type, varint: 0n, bytes: buf.subarray(at, at + length) };
      at += length;
    } else if (type === FIXED64) {
      yield { field, type, varint: 0n, bytes: buf.subarray(at, at + 8) };
      at += 8;
    } else if (type === FIXED32) {
      yield { field, type, varint: 0n, bytes: buf.subarray(at, at + 4) };
      at += 4;
    } else throw new Error(`unsupported protobuf wire type ${type}`);
  }
}

/** AnyValue: 1 string, 2 bool, 3 int64, 4 double (arrays, kvlists and bytes are not reported). */
function anyValue(buf: Buffer): OtlpJsonValue {
  for (const f of fields(buf)) {
    if (f.field === 1) return { stringValue: f.bytes.toString("utf8") };
    if (f.field === 2) return { boolValue: f.varint !== 0n };
    if (f.field === 3) return { intValue: String(BigInt.asIntN(64, f.varint)) };
    if (f.field === 4 && f.type === FIXED64) return { doubleValue: f.bytes.readDoubleLE(0) };
  }
  return {};
}

function keyValue(buf: Buffer): OtlpJsonKeyValue {
  let key = "";
  let value: OtlpJsonValue = {};
  for (const f of fields(buf)) {
    if (f.field === 1) key = f.bytes.toString("utf8");
    else if (f.field === 2) value = anyValue(f.bytes);
  }
  return { key, value };
}

function span(buf: Buffer): OtlpJsonSpan {
  const out: OtlpJsonSpan = { traceId: "", spanId: "", name: "", kind: 0, attributes: [] };
  for (const f of fields(buf)) {
    if (f.field === 1) out.traceId = f.bytes.toString("hex");
    else if (f.field === 2) out.spanId = f.bytes.toString("hex");
    else if (f.field === 4 && f.bytes.length > 0) out.parentSpanId = f.bytes.toString("hex");
    else if (f.field === 5) out.name = f.bytes.toString("utf8");
    else if (f.field === 6) out.kind = Number(f.varint);
    else if (f.field === 9) out.attributes?.push(keyValue(f.bytes));
    else if (f.field === 15) {
      const status: { code?: number; message?: string } = {};
      for (const s of fields(f.bytes)) {
        if (s.field === 2) status.message = s.bytes.toString("utf8");
        else if (s.field === 3) status.code = Number(s.varint);
      }
      out.status = status;
    }
  }
  return out;
}

/** ExportTraceServiceRequest → its JSON encoding's shape (resourceSpans, scopeSpans, spans). */
export function decodeTraceRequest(body: Buffer): OtlpJsonTraces {
  const resourceSpans: NonNullable<OtlpJsonTraces["resourceSpans"]> = [];
  for (const rs of fields(body)) {
    if (rs.field !== 1) continue;
    const attributes: OtlpJsonKeyValue[] = [];
    const scopeSpans: { scope?: { name?: string }; spans?: OtlpJsonSpan[] }[] = [];
    for (const f of fields(rs.bytes)) {
      if (f.field === 1) {
        for (const r of fields(f.bytes)) if (r.field === 1) attributes.push(keyValue(r.bytes));
      } else if (f.field === 2) {
        const scope: { name?: string } = {};
        const spans: OtlpJsonSpan[] = [];
        for (const s of fields(f.bytes)) {
          if (s.field === 1) {
            for (const i of fields(s.bytes)) if (i.field === 1) scope.name = i.bytes.toString("utf8");
          } else if (s.field === 2) spans.push(span(s.bytes));
        }
        scopeSpans.push({ scope, spans });
      }
    }
    resourceSpans.push({ resource: { attributes }, scopeSpans });
  }
  return { resourceSpans };
}
