/**
 * @module `@mcp-runtime/telemetry/tracing`: OpenTelemetry tracing over NodeSDK, exporting OTLP/HTTP
 * (protobuf by default, JSON on request) through a BatchSpanProcessor. Heavy (it loads the SDK);
 * the runtime imports it only when tracing is configured. No auto-instrumentation, no metrics or
 * logs pipeline, no AsyncLocalStorage: parents are passed explicitly to `startSpan`.
 */
import {
  type Context,
  type ContextManager,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  trace,
} from "@opentelemetry/api";
import { NodeSDK, type NodeSDKConfiguration } from "@opentelemetry/sdk-node";
import { AlwaysOnSampler, BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { TelemetryError } from "../errors.js";
import type { Tracing } from "../tracing-types.js";
import { headSampler } from "./head-sampler.js";
import { type Env, readOtelEnv } from "./otel-env.js";
import { startSpanWith } from "./span-handle.js";

export type { TraceParent } from "../traceparent.js";
export type { Attributes, AttributeValue, SpanHandle, SpanKindName, Tracing } from "../tracing-types.js";

export interface TracingOptions {
  /** `service.name`, unless `OTEL_SERVICE_NAME` or `OTEL_RESOURCE_ATTRIBUTES` says otherwise */
  serviceName: string;
  serviceVersion: string;
  /** OTLP/HTTP base URL (the config's `telemetry.otlp`); spans go to `<endpoint>/v1/traces` unless an OTEL endpoint variable is set */
  endpoint?: string;
  /** where `OTEL_*` variables are read; default `process.env` */
  env?: Record<string, string | undefined>;
}

/**
 * The SDK calls `with()` only if something asks for the active context; with explicit parents
 * nothing does, so this stands in for AsyncLocalStorage at no cost.
 */
const explicitContextManager: ContextManager = {
  active: () => ROOT_CONTEXT,
  with: (_context, fn, thisArg, ...args) => fn.call(thisArg, ...args),
  bind: <T>(_context: Context, target: T) => target,
  enable() {
    return this;
  },
  disable() {
    return this;
  },
};

/** Tracing that records nothing but still passes a remote parent's trace on (`traceparent()`). */
function noopTracing(name: string, version: string): Tracing {
  // A ProxyTracerProvider with no delegate hands out the API's no-op tracer.
  const tracer = new ProxyTracerProvider().getTracer(name, version);
  return {
    enabled: false,
    startSpan: (spanName, parent, attributes, kind) =>
      startSpanWith(tracer, undefined, spanName, parent, attributes, kind),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

function registeredProvider(): unknown {
  const global = trace.getTracerProvider();
  return global instanceof ProxyTracerProvider ? global.getDelegate() : global;
}

/**
 * Starts tracing. `OTEL_*` variables are read from `options.env` and turned into explicit SDK
 * components; NodeSDK itself still reads `OTEL_SDK_DISABLED` and `OTEL_LOG_LEVEL` from
 * `process.env`, and the OTLP exporter falls back to `process.env` for TLS files, compression and
 * extra headers.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  if (typeof options?.serviceName !== "string" || options.serviceName === "") {
    throw new TypeError('"serviceName" option must be a non-empty string');
  }
  if (typeof options.serviceVersion !== "string")
    throw new TypeError('"serviceVersion" option must be a string');
  const { serviceName, serviceVersion } = options;
  const env: Env = options.env ?? process.env;
  const config = readOtelEnv(env, { serviceName, serviceVersion, endpoint: options.endpoint });
  if (config.disabled || process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") {
    return noopTracing(serviceName, serviceVersion);
  }

  // Only the chosen encoding's exporter is loaded (each brings its own serializer).
  const { OTLPTraceExporter } =
    config.protocol === "http/json"
      ? await import("@opentelemetry/exporter-trace-otlp-http")
      : await import("@opentelemetry/exporter-trace-otlp-proto");
  const exporter = new OTLPTraceExporter({
    url: config.url,
    headers: config.headers,
    timeoutMillis: config.timeoutMillis,
  });
  const processor = new BatchSpanProcessor({ exporter, ...config.batch });
  const resource = config.resource;
  const sdkConfig: Partial<NodeSDKConfiguration> = {
    // One detector that returns exactly our attributes: no host/process/env probing of process.env.
    resourceDetectors: [{ detect: () => ({ attributes: resource }) }],
    // The decision is the head sampler's (below); the SDK records every span that gets this far.
    sampler: new AlwaysOnSampler(),
    spanLimits: config.spanLimits,
    spanProcessors: [processor],
    // Empty lists, not undefined: undefined makes NodeSDK build metric and log pipelines from env.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
    textMapPropagator: null,
    contextManager: explicitContextManager,
  };
  const before = registeredProvider();
  const sdk = new NodeSDK(sdkConfig);
  sdk.start();
  const provider = registeredProvider();
  if (provider === before || !(provider instanceof TracerProvider)) {
    await sdk.shutdown();
    throw new TelemetryError(
      "TRACING_ALREADY_STARTED",
      "a global tracer provider is already registered; shut the previous Tracing down first",
    );
  }
  // Spans come straight from the SDK provider NodeSDK built, not through the global proxy.
  const tracer = provider.getTracer(serviceName, serviceVersion);
  const sample = headSampler(config.sampler, config.samplerRatio);
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    startSpan: (name, parent, attributes, kind) =>
      startSpanWith(tracer, sample, name, parent, attributes, kind),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => {
      stopped ??= sdk.shutdown().finally(() => {
        // Release the globals NodeSDK registered so a later startTracing can register again.
        if (registeredProvider() === provider) {
          trace.disable();
        }
      });
      return stopped;
    },
  };
}
