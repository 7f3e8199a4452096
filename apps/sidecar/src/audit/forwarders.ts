/** @module Builds the configured forwarders from `forward` options, validating them once at open. */
import { type Forwarder, type ForwarderSettings, type ForwardOptions, positiveInteger } from "./forward.js";
import { HttpForwarder } from "./http-forwarder.js";
import { SyslogForwarder } from "./syslog-forwarder.js";

export function createForwarders(options: ForwardOptions | undefined): Forwarder[] {
  if (options === undefined) return [];
  const settings: ForwarderSettings = {
    maxQueue: positiveInteger(options.maxQueue, 10_000, "forward.maxQueue"),
    retryMinMs: positiveInteger(options.retryMinMs, 500, "forward.retryMinMs"),
    retryMaxMs: positiveInteger(options.retryMaxMs, 30_000, "forward.retryMaxMs"),
    closeGraceMs: 1_000,
  };
  const forwarders: Forwarder[] = [];
  if (options.syslog !== undefined) {
    const { host, port } = options.syslog;
    if (typeof host !== "string" || host === "")
      throw new TypeError('"forward.syslog.host" must be a host name');
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new TypeError('"forward.syslog.port" must be an integer from 1 to 65535');
    }
    forwarders.push(new SyslogForwarder(host, port, settings));
  }
  if (options.http !== undefined) {
    if (!URL.canParse(options.http.url)) throw new TypeError('"forward.http.url" must be an absolute URL');
    forwarders.push(new HttpForwarder(options.http.url, options.http.headers ?? {}, settings));
  }
  return forwarders;
}
