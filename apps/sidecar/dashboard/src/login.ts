/**
 * @module The login page's script (assets/login.js): shows the sign-in ways the sidecar offers
 * (`GET /auth/modes`) and the error a failed attempt came back with (`?error=`). No framework: the
 * page is a link and a form that work without this script's help once shown.
 */
import type { LoginModes } from "../../src/dashboard/protocol.js";

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`login.html has no #${id}`);
  return found as T;
}

/** The codes the sidecar's logins send back in `?error=`; anything else is shown as its code. */
const ERRORS: Record<string, string> = {
  invalid_token: "That admin token was not accepted.",
  access_denied: "Your account may not operate this sidecar.",
  login_failed: "Sign-in did not complete; start again.",
};

const error = new URLSearchParams(window.location.search).get("error");
if (error !== null && error !== "") {
  const box = element("login-error");
  // textContent, never HTML: the query string is anyone's to write.
  box.textContent = ERRORS[error] ?? `Sign-in failed (${error.slice(0, 80)}).`;
  box.hidden = false;
}

async function showModes(): Promise<void> {
  const status = element("login-status");
  try {
    const response = await fetch("/auth/modes");
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    const modes = (await response.json()) as LoginModes;
    element("login-oidc").hidden = !modes.oidc;
    element("login-token-form").hidden = !modes.token;
    element("login-or").hidden = !(modes.oidc && modes.token);
    status.textContent = modes.oidc || modes.token ? "" : "No sign-in method is configured on this sidecar.";
  } catch (reason) {
    status.textContent = `Could not load the sign-in methods: ${(reason as Error).message}`;
  }
}

void showModes();
