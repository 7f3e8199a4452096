/**
 * @module The `--args JSON` of `mcp-runtime call`: an object, or a usage error that says where the
 * JSON stops being JSON (V8's own messages omit the position for some mistakes).
 */
import type { JsonObject } from "@mcp-runtime/protocol";

export type ParsedArgs = { ok: true; value: JsonObject } | { ok: false; message: string };

export function parseToolArgs(text: string | undefined): ParsedArgs {
  if (text === undefined) return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const at = syntaxErrorOffset(text);
    const found = at >= text.length ? "end of input" : JSON.stringify(text.charAt(at));
    return {
      ok: false,
      message: `--args is not valid JSON at position ${at}: unexpected ${found} (${excerpt(text, at)})`,
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    return { ok: false, message: `--args must be a JSON object of the tool's arguments, got ${kind}` };
  }
  return { ok: true, value: value as JsonObject };
}

/** The text around `at`, with a caret where parsing stopped. */
function excerpt(text: string, at: number): string {
  const start = Math.max(0, at - 20);
  return `${start > 0 ? "…" : ""}${text.slice(start, at)}⟨here⟩${text.slice(at, at + 20)}`;
}

/** Where `text` stops being JSON (only called after JSON.parse failed). */
export function syntaxErrorOffset(text: string): number {
  const scanner = new JsonScanner(text);
  try {
    scanner.value();
    scanner.ws();
    return scanner.at;
  } catch (cause) {
    if (cause instanceof StopAt) return cause.at;
    throw cause;
  }
}

class StopAt extends Error {
  constructor(readonly at: number) {
    super("not JSON");
  }
}

/** A JSON recogniser that only tracks where it is (RFC 8259 grammar, no values built). */
class JsonScanner {
  at = 0;
  constructor(private readonly text: string) {}

  ws(): void {
    while (this.at < this.text.length && " \t\n\r".includes(this.text.charAt(this.at))) this.at++;
  }

  value(): void {
    this.ws();
    const char = this.text.charAt(this.at);
    if (char === "{") this.sequence("}", () => this.member());
    else if (char === "[") this.sequence("]", () => this.value());
    else if (char === '"') this.string();
    else this.scalar();
  }

  private sequence(close: string, item: () => void): void {
    this.at++;
    this.ws();
    if (this.take(close)) return;
    for (;;) {
      item();
      this.ws();
      if (this.take(close)) return;
      this.expect(",");
    }
  }

  private member(): void {
    this.ws();
    this.string();
    this.ws();
    this.expect(":");
    this.value();
  }

  private string(): void {
    this.expect('"');
    for (;;) {
      if (this.at >= this.text.length || this.text.charCodeAt(this.at) < 0x20) throw new StopAt(this.at);
      const char = this.text.charAt(this.at);
      this.at++;
      if (char === '"') return;
      if (char === "\\") this.escape();
    }
  }

  private escape(): void {
    const char = this.text.charAt(this.at);
    if (char === "u" && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 1, this.at + 5))) this.at += 5;
    else if (char !== "" && '"\\/bfnrt'.includes(char)) this.at++;
    else throw new StopAt(this.at);
  }

  private scalar(): void {
    const rest = this.text.slice(this.at);
    const match = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(rest);
    if (match === null) throw new StopAt(this.at);
    this.at += match[0].length;
  }

  private take(char: string): boolean {
    if (this.text.charAt(this.at) !== char) return false;
    this.at++;
    return true;
  }

  private expect(char: string): void {
    if (!this.take(char)) throw new StopAt(this.at);
  }
}
