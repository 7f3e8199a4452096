/** @module A button for one operator action, with the sidecar's answer in a polite live region. */
import { useState } from "preact/hooks";
import type { ActionResult } from "../../src/dashboard/protocol.js";
import { type Action, runAction } from "./api.js";

export function ActionButton({
  action,
  label,
  csrfToken,
}: {
  action: Action;
  label: string;
  csrfToken: string;
}) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ActionResult | undefined>(undefined);

  const run = async (): Promise<void> => {
    setBusy(true);
    setResult(undefined);
    setResult(await runAction(action, csrfToken));
    setBusy(false);
  };

  return (
    <div class="action">
      <button type="button" onClick={() => void run()} disabled={busy} aria-describedby={`${action}-result`}>
        {busy ? `${label}…` : label}
      </button>
      <p
        id={`${action}-result`}
        class={result?.ok === false ? "bad-text" : ""}
        aria-live="polite"
        data-testid={`${action}-result`}
      >
        {result && `${result.ok ? "Done" : "Failed"}: ${result.message}`}
      </p>
    </div>
  );
}
