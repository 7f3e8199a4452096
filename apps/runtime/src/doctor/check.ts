/** @module What each `mcp-runtime doctor` check reports, and the whole report. */

export type CheckStatus = "ok" | "warn" | "fail";

export interface DoctorCheck {
  /** stable, e.g. `node`, `config`, `plugin:echo`, `redis`, `port` */
  id: string;
  status: CheckStatus;
  message: string;
  /** what to do about it; set whenever status is not ok */
  fix?: string;
}

export interface DoctorReport {
  /** no check failed (warnings allowed) */
  ok: boolean;
  checks: DoctorCheck[];
}

export const ok = (id: string, message: string): DoctorCheck => ({ id, status: "ok", message });
export const warn = (id: string, message: string, fix: string): DoctorCheck => ({
  id,
  status: "warn",
  message,
  fix,
});
export const fail = (id: string, message: string, fix: string): DoctorCheck => ({
  id,
  status: "fail",
  message,
  fix,
});

export const errorText = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));
