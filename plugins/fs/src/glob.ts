/**
 * @module Name matching for search_files: a small glob dialect (`*`, `**`, `?`, `[...]`,
 * `{a,b}`) or, for patterns without glob characters, a case-insensitive substring.
 */

export interface NameMatcher {
  /** True when the pattern names paths (contains "/"), so it is matched against the relative path. */
  readonly matchesPath: boolean;
  test(candidate: string): boolean;
}

const GLOB_CHARS = /[*?[{]/;
const REGEX_SPECIALS = /[.*+?^${}()|[\]\\/]/;

function escapeChar(char: string): string {
  return REGEX_SPECIALS.test(char) ? `\\${char}` : char;
}

/** Translates a glob to a regular expression source; `/` separates segments. */
function translate(glob: string): string {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob.charAt(i);
    if (char === "*") {
      if (glob.charAt(i + 1) !== "*") {
        source += "[^/]*";
        continue;
      }
      i++;
      // `**/` also matches no directory at all, so `**/*.ts` finds top-level files too.
      if (glob.charAt(i + 1) === "/") {
        i++;
        source += "(?:.*/)?";
      } else {
        source += ".*";
      }
    } else if (char === "?") {
      source += "[^/]";
    } else if (char === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close === -1) {
        source += "\\[";
        continue;
      }
      const body = glob.slice(i + 1, close).replaceAll("\\", "\\\\");
      source += body.startsWith("!") ? `[^${body.slice(1)}]` : `[${body}]`;
      i = close;
    } else if (char === "{") {
      const close = glob.indexOf("}", i + 1);
      if (close === -1) {
        source += "\\{";
        continue;
      }
      source += `(?:${glob
        .slice(i + 1, close)
        .split(",")
        .map(translate)
        .join("|")})`;
      i = close;
    } else {
      source += escapeChar(char);
    }
  }
  return source;
}

export function compileNameMatcher(pattern: string): NameMatcher {
  const matchesPath = pattern.includes("/");
  if (!GLOB_CHARS.test(pattern)) {
    const needle = pattern.toLowerCase();
    return { matchesPath, test: (candidate) => candidate.toLowerCase().includes(needle) };
  }
  const regex = new RegExp(`^${translate(pattern)}$`);
  return { matchesPath, test: (candidate) => regex.test(candidate) };
}
