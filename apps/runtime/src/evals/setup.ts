/**
 * @module Starts the evals of a serving runtime: a run once it is up ("start"), on its schedule,
 * after every applied reload with the new checks ("config"), and when an operator asks.
 */
import type { RuntimeConfig } from "@mcp-runtime/config";
import { EvalRunner, type EvalRunnerParts } from "./eval-runner.js";

/** What the evals need of a runtime (a narrow view, so this module does not import the runtime). */
export interface EvalHost {
  readonly config: RuntimeConfig;
  readonly server: EvalRunnerParts["server"];
  readonly metrics: EvalRunnerParts["metrics"];
  readonly logger: EvalRunnerParts["logger"];
  audit: EvalRunnerParts["audit"];
  onConfigApplied(listener: (config: RuntimeConfig) => void): void;
}

export function startEvals(host: EvalHost): EvalRunner {
  const runner = new EvalRunner(
    {
      server: host.server,
      audit: (event) => host.audit(event),
      metrics: host.metrics,
      logger: host.logger,
    },
    host.config.evals,
  );
  host.onConfigApplied((config) => {
    runner.configure(config.evals);
    void runner.run("config");
  });
  void runner.run("start");
  return runner;
}
