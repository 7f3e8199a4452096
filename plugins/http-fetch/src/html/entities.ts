/** @module HTML character references: numeric ones and the named ones that show up in real pages. */

const NAMED: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  copy: "©",
  reg: "®",
  trade: "™",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  laquo: "«",
  raquo: "»",
  middot: "·",
  bull: "•",
  times: "×",
  divide: "÷",
  deg: "°",
  plusmn: "±",
  euro: "€",
  pound: "£",
  yen: "¥",
  cent: "¢",
  sect: "§",
  para: "¶",
  larr: "←",
  rarr: "→",
  uarr: "↑",
  darr: "↓",
  shy: "\u00ad",
  zwj: "\u200d",
  zwnj: "\u200c",
};

const REFERENCE = /&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[A-Za-z][A-Za-z0-9]{1,31});?/g;

function fromCodePoint(code: number): string {
  // The HTML spec maps NUL, surrogates and out-of-range values to U+FFFD.
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
  return String.fromCodePoint(code);
}

/** Decodes character references; unknown names stay as written, as browsers leave them. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(REFERENCE, (whole, ref: string) => {
    if (ref.startsWith("#x") || ref.startsWith("#X")) return fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return fromCodePoint(Number.parseInt(ref.slice(1), 10));
    return NAMED[ref] ?? NAMED[ref.toLowerCase()] ?? whole;
  });
}
