/**
 * @module The standby node (`serve --standby --primary URL`, port 8081): watches the primary's
 * `/readyz` and says whether this node should take the traffic. Passive while the primary is up
 * (its `/readyz` answers 503 so health-checking balancers stay on the primary), active after two
 * failed probes in a row, passive again after two good ones. It serves MCP in both states: an
 * nginx `backup` server gets requests without any health check.
 */
import { Gauge, type RuntimeMetrics } from "@mcp-runtime/telemetry";
import type { Logger } from "./logger.js";

export const STANDBY_PORT = 8081;

export interface StandbyOptions {
  /** the primary's base URL (`http://127.0.0.1:8080`); its `/readyz` is probed */
  primary: string;
  logger: Logger;
  /** where `mcp_standby_active` is registered, when metrics are on */
  metrics?: RuntimeMetrics | undefined;
  /** between probe starts (default 1000) */
  intervalMs?: number;
  /** per probe (default 1000) */
  timeoutMs?: number;
  /** probes in a row that flip the state (default 2) */
  threshold?: number;
}

export type PrimaryState = "unknown" | "up" | "down";

/** The standby's view of the primary: state changes are logged and shown on the gauge. */
export class StandbyWatch {
  readonly primary: string;
  private readonly readyUrl: string;
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly threshold: number;
  private readonly gauge: Gauge | undefined;
  private activeNow = false;
  private primaryState: PrimaryState = "unknown";
  /** consecutive probes that disagree with the current state */
  private streak = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: StandbyOptions) {
    this.readyUrl = new URL("/readyz", options.primary).href;
    this.primary = options.primary;
    this.logger = options.logger;
    this.intervalMs = options.intervalMs ?? 1_000;
    this.timeoutMs = options.timeoutMs ?? 1_000;
    this.threshold = options.threshold ?? 2;
    const registry = options.metrics?.registry;
    this.gauge =
      registry &&
      new Gauge({
        name: "mcp_standby_active",
        help: "1 while this standby node is active (its primary failed its readiness probes), else 0",
        registers: [registry],
      });
    this.gauge?.set(0);
  }

  /** true once the primary has failed `threshold` probes in a row (until it passes as many) */
  get active(): boolean {
    return this.activeNow;
  }

  get primaryStatus(): PrimaryState {
    return this.primaryState;
  }

  start(): this {
    this.logger.info({ msg: "standby watching", primary: this.primary, intervalMs: this.intervalMs });
    void this.tick();
    return this;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** The `/readyz` answer while passive; undefined when active (the normal readiness applies). */
  readiness(): { status: number; body: Record<string, unknown> } | undefined {
    return this.activeNow
      ? undefined
      : { status: 503, body: { status: "standby", primary: this.primaryState } };
  }

  private async tick(): Promise<void> {
    const started = Date.now();
    const up = await this.probe();
    if (this.stopped) return;
    this.record(up);
    this.timer = setTimeout(() => void this.tick(), Math.max(0, this.intervalMs - (Date.now() - started)));
    this.timer.unref();
  }

  private async probe(): Promise<boolean> {
    try {
      const response = await fetch(this.readyUrl, { signal: AbortSignal.timeout(this.timeoutMs) });
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }

  private record(up: boolean): void {
    this.primaryState = up ? "up" : "down";
    // Passive counts failures, active counts successes; a probe that agrees resets the count.
    this.streak = up === this.activeNow ? this.streak + 1 : 0;
    if (this.streak < this.threshold) return;
    this.streak = 0;
    this.activeNow = !this.activeNow;
    this.gauge?.set(this.activeNow ? 1 : 0);
    if (this.activeNow) this.logger.warn({ msg: "standby active", primary: this.primary });
    else this.logger.info({ msg: "standby passive", primary: this.primary });
  }
}
