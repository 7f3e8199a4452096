/** @module Types of cluster.mjs, for the TypeScript acceptance test that shares it. */
import type { ChildProcess } from "node:child_process";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ClusterProcess {
  readonly what: string;
  readonly child: ChildProcess;
  /** resolves when the process exits */
  readonly exited: Promise<Exit>;
  stderr(): string;
  /** the last `lines` lines of stderr (default 30) */
  tail(lines?: number): string;
  alive(): boolean;
  /** sends `signal` (default SIGTERM) and resolves with the exit */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

export interface ClusterNode extends ClusterProcess {
  /** `http://127.0.0.1:PORT/mcp` as the node printed it */
  readonly url: string;
  readonly port: number;
}

export interface Nginx {
  readonly dir: string;
  readonly port: number;
  /** `http://127.0.0.1:PORT/mcp` */
  readonly url: string;
  readonly child: ChildProcess;
  errorLog(): string;
  accessLog(): string;
  tail(lines?: number): string;
  stop(): Promise<void>;
}

export interface Cluster {
  /** nginx's `/mcp` */
  readonly url: string;
  readonly nginx: Nginx;
  readonly nodes: readonly ClusterNode[];
  readonly workers: readonly ClusterProcess[];
  tails(lines?: number): string;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  configPath: string;
  redisUrl: string;
  nodes?: number;
  workers?: number;
  env?: Record<string, string>;
  nodesWork?: boolean;
  accessLog?: boolean;
}

export function freePort(): Promise<number>;
export function startNode(configPath: string, env: NodeJS.ProcessEnv, name?: string): Promise<ClusterNode>;
export function startWorker(
  configPath: string,
  env: NodeJS.ProcessEnv,
  name?: string,
): Promise<ClusterProcess>;
export function nginxConfig(
  dir: string,
  port: number,
  upstreams: string[],
  options?: { accessLog?: boolean },
): string;
export function startNginx(upstreams: string[], options?: { accessLog?: boolean }): Promise<Nginx>;
export function startCluster(options: ClusterOptions): Promise<Cluster>;
