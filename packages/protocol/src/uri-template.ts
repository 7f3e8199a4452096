/**
 * @module RFC 6570 URI templates (levels 1-4, no prefix modifiers in matching): expansion and the
 * reverse, matching a concrete URI to variables, which is what `resources/read` needs.
 */

type Operator = "" | "+" | "#" | "." | "/" | ";" | "?" | "&";

interface VarSpec {
  name: string;
  explode: boolean;
  prefix?: number;
}

type Part = { literal: string } | { operator: Operator; vars: VarSpec[] };

export type UriVariables = Record<string, string | string[]>;

const OPERATORS = new Set<string>(["+", "#", ".", "/", ";", "?", "&"]);
const FIRST: Record<Operator, string> = {
  "": "",
  "+": "",
  "#": "#",
  ".": ".",
  "/": "/",
  ";": ";",
  "?": "?",
  "&": "&",
};
const SEP: Record<Operator, string> = {
  "": ",",
  "+": ",",
  "#": ",",
  ".": ".",
  "/": "/",
  ";": ";",
  "?": "&",
  "&": "&",
};
const NAMED = new Set<Operator>([";", "?", "&"]);
const RESERVED_ALLOWED = new Set<Operator>(["+", "#"]);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function encodeValue(value: string, allowReserved: boolean): string {
  if (allowReserved) return encodeURI(value).replace(/%25([0-9A-Fa-f]{2})/g, "%$1");
  // encodeURIComponent leaves the sub-delims !'()* as they are; RFC 6570 passes only unreserved.
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export class UriTemplate {
  readonly template: string;
  readonly variableNames: readonly string[];
  private readonly parts: readonly Part[];
  private readonly pattern: RegExp;
  private readonly captures: readonly { operator: Operator; vars: VarSpec[] }[];

  constructor(template: string) {
    if (template.length > 4096) throw new TypeError('"template" must be at most 4096 characters');
    this.template = template;
    this.parts = UriTemplate.parse(template);
    const names: string[] = [];
    const captures: { operator: Operator; vars: VarSpec[] }[] = [];
    let source = "^";
    for (const part of this.parts) {
      if ("literal" in part) {
        source += escapeRegExp(part.literal);
        continue;
      }
      for (const v of part.vars) names.push(v.name);
      captures.push(part);
      source += UriTemplate.captureFor(part.operator);
    }
    this.pattern = new RegExp(`${source}$`);
    this.captures = captures;
    this.variableNames = names;
  }

  static isTemplate(text: string): boolean {
    return /\{[^}\s]+\}/.test(text);
  }

  private static parse(template: string): Part[] {
    const parts: Part[] = [];
    let index = 0;
    while (index < template.length) {
      const open = template.indexOf("{", index);
      if (open === -1) {
        parts.push({ literal: template.slice(index) });
        break;
      }
      if (open > index) parts.push({ literal: template.slice(index, open) });
      const close = template.indexOf("}", open);
      if (close === -1) throw new TypeError(`unclosed expression in URI template "${template}"`);
      let body = template.slice(open + 1, close);
      let operator: Operator = "";
      if (body.length > 0 && OPERATORS.has(body.charAt(0))) {
        operator = body.charAt(0) as Operator;
        body = body.slice(1);
      }
      const vars = body.split(",").map((raw): VarSpec => {
        const explode = raw.endsWith("*");
        const [name = "", prefix] = (explode ? raw.slice(0, -1) : raw).split(":");
        if (!/^[A-Za-z0-9_.%]+$/.test(name)) throw new TypeError(`invalid variable "${raw}" in URI template`);
        return prefix === undefined ? { name, explode } : { name, explode, prefix: Number(prefix) };
      });
      parts.push({ operator, vars });
      index = close + 1;
    }
    return parts;
  }

  private static captureFor(operator: Operator): string {
    switch (operator) {
      case "":
        return "([^/?#]*)";
      case "+":
        return "([^?#]*)";
      case "#":
        return "(?:#(.*))?";
      case ".":
        return "((?:\\.[^/?#.]*)*)";
      case "/":
        return "((?:/[^/?#]*)*)";
      case ";":
        return "((?:;[^/?#]*)*)";
      case "?":
      case "&":
        return "((?:[?&][^#]*)?)";
    }
  }

  expand(variables: UriVariables): string {
    let out = "";
    for (const part of this.parts) {
      if ("literal" in part) {
        out += part.literal;
        continue;
      }
      const { operator } = part;
      const pieces: string[] = [];
      for (const spec of part.vars) {
        const value = variables[spec.name];
        if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
        const allowReserved = RESERVED_ALLOWED.has(operator);
        const list = Array.isArray(value) ? value : [spec.prefix ? value.slice(0, spec.prefix) : value];
        const encoded = list.map((item) => encodeValue(item, allowReserved));
        if (NAMED.has(operator)) {
          if (spec.explode) pieces.push(...encoded.map((item) => `${spec.name}=${item}`));
          else
            pieces.push(
              `${spec.name}${encoded.join(",") === "" && operator === ";" ? "" : "="}${encoded.join(",")}`,
            );
        } else {
          pieces.push(spec.explode ? encoded.join(SEP[operator]) : encoded.join(","));
        }
      }
      if (pieces.length > 0) out += FIRST[operator] + pieces.join(SEP[operator]);
    }
    return out;
  }

  /** Returns the variables when `uri` is an expansion of this template, else undefined. */
  match(uri: string): UriVariables | undefined {
    const found = this.pattern.exec(uri);
    if (!found) return undefined;
    const variables: UriVariables = {};
    this.captures.forEach((capture, index) => {
      const raw = found[index + 1] ?? "";
      UriTemplate.assign(capture, raw, variables);
    });
    return variables;
  }

  private static assign(
    capture: { operator: Operator; vars: VarSpec[] },
    raw: string,
    out: UriVariables,
  ): void {
    const { operator, vars } = capture;
    if (NAMED.has(operator)) {
      const body = raw.replace(/^[?&;]/, "");
      const pairs = body === "" ? [] : body.split(operator === ";" ? ";" : "&");
      for (const pair of pairs) {
        const eq = pair.indexOf("=");
        const key = safeDecode(eq === -1 ? pair : pair.slice(0, eq));
        const value = eq === -1 ? "" : pair.slice(eq + 1);
        const spec = vars.find((v) => v.name === key);
        if (!spec) continue;
        const values = value.split(",").map(safeDecode);
        const existing = out[key];
        if (spec.explode) out[key] = [...(Array.isArray(existing) ? existing : []), ...values];
        else out[key] = values.length === 1 ? (values[0] ?? "") : values;
      }
      return;
    }
    const body = operator === "" || operator === "+" || operator === "#" ? raw : raw.slice(1);
    if (vars.length === 1) {
      const [spec] = vars;
      if (!spec) return;
      if (raw === "" && operator !== "" && operator !== "+") return;
      const separator = spec.explode ? SEP[operator] : ",";
      out[spec.name] =
        spec.explode || (operator !== "" && operator !== "+" && operator !== "#" && body.includes(separator))
          ? body.split(separator).map(safeDecode)
          : safeDecode(body);
      return;
    }
    const values =
      body === ""
        ? []
        : body.split(operator === "" || operator === "+" || operator === "#" ? "," : SEP[operator]);
    vars.forEach((spec, index) => {
      const value = values[index];
      if (value !== undefined) out[spec.name] = safeDecode(value);
    });
  }
}
