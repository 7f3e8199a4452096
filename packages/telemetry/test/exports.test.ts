import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as telemetry from "../src/index.js";
import * as tracing from "../src/tracing/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

describe("package surface", () => {
  it("declares exactly the light entry, the tracing subpath and the testing subpath", async () => {
    const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
      exports: Record<string, unknown>;
    };
    expect(Object.keys(pkg.exports)).toEqual([".", "./tracing", "./testing", "./package.json"]);
  });

  it("exports these values from the light entry", () => {
    expect(Object.keys(telemetry).sort()).toEqual(
      [
        "Counter",
        "DURATION_BUCKETS",
        "Gauge",
        "Histogram",
        "OTHER_LABEL",
        "Registry",
        "STATUS_INTERVAL_MS",
        "RuntimeMetrics",
        "TelemetryError",
        "UNKNOWN_TOOL_LABEL",
        "collectDefaultMetrics",
        "createIdHasher",
        "createLogger",
        "formatTraceparent",
        "hashId",
        "parseTraceparent",
        "scrub",
        "setHashSalt",
      ].sort(),
    );
    expect(Object.keys(tracing)).toEqual(["startTracing"]);
  });

  it("keeps the OpenTelemetry SDK out of the light entry's import graph", async () => {
    const heavy =
      /from "(@opentelemetry\/(sdk-node|sdk-trace|exporter-trace-otlp-http|core)|\.\/tracing\/[^"]*)"/;
    const seen = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = await readFile(file, "utf8");
      for (const line of source.split("\n")) {
        if (!/^(import|export) /.test(line) && !line.startsWith("} from")) continue;
        expect(line, `${file} loads the SDK`).not.toMatch(heavy);
      }
      for (const match of source.matchAll(/from "(\.[^"]+)\.js"/g)) {
        await visit(resolve(dirname(file), `${match[1]}.ts`));
      }
    };
    await visit(join(root, "src/index.ts"));
    expect(seen.size).toBeGreaterThan(5);
  });
});
