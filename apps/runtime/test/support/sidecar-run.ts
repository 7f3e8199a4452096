/**
 * @module What the sidecar acceptance tests share: a temporary folder with a sidecar config and a
 * runtime config pointing at it, calls made in parallel, the CLI's `audit verify`, and the audit
 * records read back.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { modernCall } from "./modern-call.js";
import { SIDECAR_CLI } from "./paths.js";

/** Calls `echo` `count` times, `concurrency` at a time; resolves with the failures' messages. */
export async function callEchoMany(url: string, count: number, concurrency = 32): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        const result = await modernCall(
          url,
          "tools/call",
          { name: "echo", arguments: { text: `n${i}` } },
          { name: "echo", id: i },
        );
        const content = result.content as { text?: string }[] | undefined;
        if (content?.[0]?.text !== `n${i}`) failures.push(`call ${i}: ${JSON.stringify(result)}`);
      } catch (cause) {
        failures.push(`call ${i}: ${cause instanceof Error ? cause.message : String(cause)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failures;
}

/** Runs `mcp-sidecar audit verify FILE...`; resolves with its exit code and output. */
export function auditVerify(
  files: string[],
  extra: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SIDECAR_CLI, "audit", "verify", ...extra, ...files], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every record of the audit files, in order. */
export async function readRecords(files: string[]): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  for (const file of files) {
    for (const line of (await readFile(file, "utf8")).split("\n")) {
      if (line !== "") records.push(JSON.parse(line) as Record<string, unknown>);
    }
  }
  return records;
}

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
