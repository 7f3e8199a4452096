/** @module The banner: who is signed in, whether the page is live, the sidecar it talks to. */
import { useEffect, useState } from "preact/hooks";
import type { DashboardSnapshot } from "../../src/dashboard/protocol.js";
import { logout } from "./api.js";
import { count } from "./format.js";
import type { LiveState } from "./live.js";

const liveText: Record<LiveState["state"], string> = {
  open: "Live",
  connecting: "Connecting…",
  closed: "Disconnected, reconnecting",
};

function retryText(live: Extract<LiveState, { state: "closed" }>, now: number): string {
  const seconds = Math.max(0, Math.ceil((live.retryAt - now) / 1000));
  return seconds > 0 ? `next try in ${seconds} s` : "trying now";
}

/** Ticks once a second while a retry is pending, so its countdown moves. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function Header({ live, snapshot }: { live: LiveState; snapshot: DashboardSnapshot | undefined }) {
  const now = useNow(live.state === "closed");
  const operator = snapshot?.operator;
  return (
    <header class="banner">
      <h1>mcp-runtime operator dashboard</h1>
      <p
        class={`live live-${live.state}`}
        data-testid="live-status"
        data-state={live.state === "open" ? "open" : "closed"}
        role="status"
        aria-live="polite"
      >
        <span class="live-dot" aria-hidden="true" />
        {liveText[live.state]}
      </p>
      {/* outside the live region: a countdown read out every second would drown everything else */}
      {live.state === "closed" && (
        <p class="retry" title={live.reason}>
          {retryText(live, now)}
        </p>
      )}
      {snapshot && (
        <dl class="facts">
          <div>
            <dt>Sidecar</dt>
            <dd>v{snapshot.sidecar.version}</dd>
          </div>
          <div>
            <dt>Audit records</dt>
            <dd data-testid="audit-count">{count(snapshot.sidecar.auditRecords)}</dd>
          </div>
          <div>
            <dt>Operator</dt>
            <dd title={operator?.subject}>{operator?.name ?? operator?.subject}</dd>
          </div>
        </dl>
      )}
      {snapshot && (
        <button type="button" class="secondary" onClick={() => void logout(snapshot.csrfToken)}>
          Sign out
        </button>
      )}
    </header>
  );
}
