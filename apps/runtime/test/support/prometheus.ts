/**
 * @module Scrapes a `/metrics` endpoint and parses it with a Prometheus text-format parser
 * (`parse-prometheus-text-format`, prom2json's output shape), so tests read samples, not strings.
 */
// @ts-expect-error the parser ships no type declarations; its shape is declared below
import parseImport from "parse-prometheus-text-format";

export interface MetricFamily {
  name: string;
  help: string;
  type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
  metrics: {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }[];
}

const parse = parseImport as (text: string) => MetricFamily[];

/**
 * The parser (1.1.1) folds a labelled histogram's series into one sample without labels, so each
 * histogram is rewritten first as three untyped families (`_bucket`, `_sum`, `_count`, each under
 * its own TYPE line) that keep every label; an empty HISTOGRAM family keeps the type.
 */
export async function scrape(url: string): Promise<MetricFamily[]> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  const type = response.headers.get("content-type") ?? "";
  if (!type.startsWith("text/plain")) throw new Error(`GET ${url}: content-type ${type}`);
  const text = await response.text();
  const histograms = [...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((m) => m[1] ?? "");
  const parts = new Map<string, string[]>();
  const kept: string[] = [];
  for (const line of text.split("\n")) {
    const owner = histograms.find((h) => line.startsWith(`# TYPE ${h} `) || line.startsWith(`# HELP ${h} `));
    if (owner !== undefined) continue;
    const series = histograms
      .flatMap((h) => ["_bucket", "_sum", "_count"].map((suffix) => `${h}${suffix}`))
      .find((name) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
    if (series === undefined) kept.push(line);
    else parts.set(series, [...(parts.get(series) ?? []), line]);
  }
  for (const [series, lines] of parts) kept.push(`# TYPE ${series} untyped`, ...lines);
  const families = parse(kept.join("\n"));
  for (const name of histograms) families.push({ name, help: "", type: "HISTOGRAM", metrics: [] });
  return families;
}

/** The sample of `name` whose labels include `labels` (value, or histogram count); 0 when absent. */
export function sample(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  const metric = family?.metrics.find((m) =>
    Object.entries(labels).every(([key, value]) => m.labels?.[key] === value),
  );
  if (metric === undefined) return 0;
  return Number(metric.value ?? metric.count ?? 0);
}
