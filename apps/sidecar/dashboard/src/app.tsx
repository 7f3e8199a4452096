/** @module The dashboard page: one state (snapshot plus deltas) fed by the live connection. */
import { useEffect, useReducer, useState } from "preact/hooks";
import type { DashboardDelta, DashboardSnapshot } from "../../src/dashboard/protocol.js";
import { Audit } from "./audit.js";
import { Config } from "./config.js";
import { Evals } from "./evals.js";
import { Header } from "./header.js";
import { connectLive, type LiveState } from "./live.js";
import { Runtimes } from "./runtimes.js";
import { applyDelta, type DashboardState } from "./state.js";
import { Tools } from "./tools.js";

type Frame = { type: "snapshot"; snapshot: DashboardSnapshot } | { type: "delta"; delta: DashboardDelta };

function reduce(state: DashboardState | undefined, frame: Frame): DashboardState | undefined {
  if (frame.type === "snapshot") return frame.snapshot;
  // A delta before any snapshot has nothing to apply to; the snapshot that follows holds it.
  return state === undefined ? undefined : applyDelta(state, frame.delta);
}

export function App() {
  const [state, dispatch] = useReducer(reduce, undefined);
  const [live, setLive] = useState<LiveState>({ state: "connecting" });

  useEffect(
    () =>
      connectLive({
        snapshot: (snapshot) => dispatch({ type: "snapshot", snapshot }),
        delta: (delta) => dispatch({ type: "delta", delta }),
        state: setLive,
      }),
    [],
  );

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <Header live={live} snapshot={state} />
      <main id="main" tabIndex={-1}>
        {state === undefined ? (
          <p class="loading">Loading…</p>
        ) : (
          <>
            <Tools tools={state.tools} ts={state.ts} since={state.sidecar.startedAt} />
            <Runtimes runtimes={state.runtimes} />
            <div class="pair">
              <Evals evals={state.evals} ratios={state.evalRatios} csrfToken={state.csrfToken} />
              <Config config={state.config} csrfToken={state.csrfToken} />
            </div>
            <Audit records={state.audit} />
          </>
        )}
      </main>
    </>
  );
}
