/**
 * @module The page's HTTP calls to the sidecar (same origin, session cookie). A 401 anywhere means
 * the operator session is gone, so the page goes to the login page instead of showing an error.
 */
import type { ActionResult, AuditRecordView, DashboardSnapshot } from "../../src/dashboard/protocol.js";

export type Action = "run-evals" | "reload-config";

export interface AuditFilter {
  subject: string;
  tool: string;
  outcome: string;
  type: string;
}

function toLogin(): never {
  window.location.assign("/login");
  throw new Error("not signed in");
}

async function json<T>(response: Response): Promise<T> {
  if (response.status === 401) toLogin();
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  return (await response.json()) as T;
}

export async function fetchSnapshot(): Promise<DashboardSnapshot> {
  return json(await fetch("/api/snapshot", { credentials: "same-origin" }));
}

export async function fetchAudit(filter: AuditFilter, limit = 200): Promise<AuditRecordView[]> {
  const query = new URLSearchParams({ limit: String(limit) });
  for (const [name, value] of Object.entries(filter)) if (value !== "") query.set(name, value);
  const body = await json<{ records: AuditRecordView[] }>(await fetch(`/api/audit?${query}`));
  return body.records;
}

/** An action's outcome; a refused or failed request becomes a result the page can show, not a throw. */
export async function runAction(action: Action, csrfToken: string): Promise<ActionResult> {
  try {
    const response = await fetch(`/api/actions/${action}`, {
      method: "POST",
      headers: { "x-csrf-token": csrfToken },
    });
    if (response.status === 401) toLogin();
    const body = (await response.json().catch(() => undefined)) as Partial<ActionResult> | undefined;
    if (typeof body?.message === "string") {
      return { ...body, ok: response.ok && body.ok === true, message: body.message };
    }
    return { ok: false, message: `The sidecar answered ${response.status} ${response.statusText}.` };
  } catch (error) {
    return { ok: false, message: `The request failed: ${(error as Error).message}` };
  }
}

export async function logout(csrfToken: string): Promise<void> {
  await fetch("/auth/logout", { method: "POST", headers: { "x-csrf-token": csrfToken } }).catch(() => {});
  window.location.assign("/login");
}
