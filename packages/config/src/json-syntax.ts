/** @module Locating the first JSON syntax error, because V8's messages lack positions in some cases and quote the source in others. */

export interface JsonSyntaxError {
  offset: number;
  message: string;
}

class Stop extends Error {
  constructor(readonly at: number) {
    super("json syntax error");
  }
}

/** Returns where `text` stops being JSON, or undefined if it is valid. Only called after JSON.parse fails. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && " \t\n\r".includes(text.charAt(i))) i++;
  };
  const expect = (literal: string): void => {
    for (const char of literal) {
      if (text.charAt(i) !== char) throw new Stop(i);
      i++;
    }
  };
  const string = (): void => {
    expect('"');
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 0x22) return void i++;
      if (code < 0x20) throw new Stop(i);
      if (code === 0x5c) {
        i++;
        const escaped = text.charAt(i);
        if (escaped === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) throw new Stop(i);
          i += 4;
        } else if (!'"\\/bfnrt'.includes(escaped) || escaped === "") throw new Stop(i);
      }
      i++;
    }
    throw new Stop(i);
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (match === null) throw new Stop(i);
    i += match[0].length;
  };
  const list = (close: string, item: () => void): void => {
    i++;
    ws();
    if (text.charAt(i) === close) return void i++;
    for (;;) {
      item();
      ws();
      if (text.charAt(i) === close) return void i++;
      expect(",");
      ws();
    }
  };
  const value = (): void => {
    const char = text.charAt(i);
    if (char === "{") {
      list("}", () => {
        string();
        ws();
        expect(":");
        ws();
        value();
      });
    } else if (char === "[") list("]", value);
    else if (char === '"') string();
    else if (char === "t") expect("true");
    else if (char === "f") expect("false");
    else if (char === "n") expect("null");
    else number();
  };
  try {
    ws();
    value();
    ws();
    if (i < text.length) throw new Stop(i);
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    const at = error.at;
    const message =
      at >= text.length
        ? "unexpected end of input"
        : `unexpected character ${JSON.stringify(text.charAt(at))}`;
    return { offset: at, message };
  }
}
