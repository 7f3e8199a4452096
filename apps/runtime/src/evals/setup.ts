/**
 * @module Starts the evals of a serving runtime: a run once it is up ("start"), on its schedule,
 * after every applied reload with the new checks ("config"), and when an operator asks.
 */
import type { Runtime } from "../runtime.js";
import { EvalRunner } from "./eval-runner.js";

export function startEvals(runtime: Runtime): EvalRunner {
  const runner = new EvalRunner(
    {
      server: runtime.server,
      audit: (event) => runtime.audit(event),
      metrics: runtime.metrics,
      logger: runtime.logger,
    },
    runtime.config.evals,
  );
  runtime.onConfigApplied((config) => {
    runner.configure(config.evals);
    void runner.run("config");
  });
  void runner.run("start");
  return runner;
}
