/**
 * @module Samples a stdio upstream's resident memory from `/proc/<pid>/status` (Linux; elsewhere
 * the samples come back empty and nothing happens). A change of more than 10 % since the last
 * logged value is logged; two samples in a row above `maxMemoryMb` call `onLimit` (one sample
 * could be a short spike that the garbage collector is about to take back).
 */
import { readFile } from "node:fs/promises";
import type { Logger } from "../logger.js";

export interface MemoryWatchOptions {
  upstream: string;
  pid: number;
  logger: Logger;
  intervalMs: number;
  maxMemoryMb?: number | undefined;
  onLimit(rssMb: number): void;
}

const MB = 1024 * 1024;

export async function readRssBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** Starts sampling; the returned function stops it. */
export function watchMemory(options: MemoryWatchOptions): () => void {
  const { upstream, pid, logger, maxMemoryMb } = options;
  let logged = 0;
  let over = 0;
  let stopped = false;
  const sample = async () => {
    const rss = await readRssBytes(pid);
    if (stopped || rss === undefined) return;
    const rssMb = Math.round(rss / MB);
    if (logged === 0 || Math.abs(rss - logged) > logged * 0.1) {
      logged = rss;
      logger.info({ msg: "upstream memory", upstream, pid, rssMb });
    }
    over = maxMemoryMb !== undefined && rssMb > maxMemoryMb ? over + 1 : 0;
    if (over >= 2) {
      over = 0;
      options.onLimit(rssMb);
    }
  };
  const timer = setInterval(() => void sample(), options.intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
