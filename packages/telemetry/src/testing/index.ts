/** @module `@mcp-runtime/telemetry/testing`: what tests of traced code need (an OTLP receiver); not for production use. */
export { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "./otlp-receiver.js";
