/** Types for parse-prometheus-text-format 1.1.1, which ships none (shape from its README). */
declare module "parse-prometheus-text-format" {
  export interface ParsedSample {
    value?: string;
    labels?: Record<string, string>;
    /** histograms: upper bound → cumulative count */
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }

  export interface ParsedMetricFamily {
    name: string;
    help: string;
    type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
    metrics: ParsedSample[];
  }

  export default function parsePrometheusTextFormat(text: string): ParsedMetricFamily[];
}
