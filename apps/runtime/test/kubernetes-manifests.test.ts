/**
 * The Kubernetes manifests (deploy/kubernetes) against what the code accepts, with no cluster:
 * images against the protocol revisions and package versions, env names against what the sources
 * read, configs through the real loaders, and the containers' exact args through the real CLIs
 * (runtime, worker and sidecar started with them, only the config path and port swapped), whose
 * probe paths, /metrics and Host check are then exercised.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONFIG_ENV_VARS, loadConfig } from "@mcp-runtime/config";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@mcp-runtime/protocol";
import { loadSidecarConfig } from "@mcp-runtime/sidecar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  containersOf,
  flagValue,
  type Loose,
  labelsMatch,
  loadManifests,
  type ManifestDoc,
  podSpec,
  WORKLOAD_KINDS,
  where,
  withFlags,
} from "./support/kubernetes.js";
import { assertBuilt, CLI_PATH, REPO_ROOT, SIDECAR_CLI } from "./support/paths.js";
import { startRedis, type TestRedis } from "./support/queue-redis.js";
import { type ReadyProcess, spawnReady } from "./support/ready-process.js";

assertBuilt();

const { docs, problems } = loadManifests();
const base = docs.filter((d) => d.file.startsWith("base/"));
const NEWEST_REVISION = [...SUPPORTED_PROTOCOL_VERSIONS].sort().at(-1);
const versionOf = (app: string): string =>
  (JSON.parse(readFileSync(join(REPO_ROOT, "apps", app, "package.json"), "utf8")) as { version: string })
    .version;
const RUNTIME_IMAGE = `ghcr.io/mcp-runtime/runtime:${versionOf("runtime")}-mcp${NEWEST_REVISION}`;
const SIDECAR_IMAGE = `ghcr.io/mcp-runtime/sidecar:${versionOf("sidecar")}-mcp${NEWEST_REVISION}`;
/** Third-party images allowed, by the workload that runs them: a pinned version, never `latest`. */
const THIRD_PARTY = /^redis:\d+\.\d+\.\d+(-alpine)?$/;

function one(kind: string, name: string, from: readonly ManifestDoc[] = base): ManifestDoc {
  const found = from.filter((d) => d.kind === kind && d.name === name);
  if (found.length !== 1)
    throw new Error(`expected one ${kind}/${name} under deploy/kubernetes/base, found ${found.length}`);
  return found[0] as ManifestDoc;
}

function configMapText(name: string, key: string): string {
  const text = one("ConfigMap", name).body.data?.[key];
  if (typeof text !== "string") throw new Error(`ConfigMap/${name} has no data.${key}`);
  return text;
}

const runtimeDeploy = one("Deployment", "mcp-runtime");
const workerDeploy = one("Deployment", "mcp-runtime-worker");
const sidecarDeploy = one("Deployment", "mcp-sidecar");
const secretExample = one("Secret", "mcp-runtime-secrets");
const container = (doc: ManifestDoc, name: string): Loose => {
  const found = containersOf(doc).find((c) => c.name === name);
  if (!found) throw new Error(`${where(doc)} has no container "${name}"`);
  return found;
};
const runtimeC = container(runtimeDeploy, "runtime");
const workerC = container(workerDeploy, "worker");
const sidecarC = container(sidecarDeploy, "sidecar");

/** Container name → image, from base; overlay patches name the container and inherit its image. */
const imageByContainer = new Map<string, string>(
  base
    .filter((d) => WORKLOAD_KINDS.has(d.kind))
    .flatMap((d) => containersOf(d).map((c) => [c.name, c.image])),
);

/** The env a container gets, secrets taken from secret.example.yaml's placeholders, then `overrides`. */
function envOf(c: Loose, overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of c.env ?? []) {
    const ref = entry.valueFrom?.secretKeyRef;
    env[entry.name] = ref ? String(secretExample.body.stringData?.[ref.key]) : String(entry.value ?? "");
  }
  return { ...env, ...overrides };
}

/** Env names the sources of these trees read (`process.env.X`, `env.X`, `env["X"]`), scanned now. */
function envNamesReadIn(trees: readonly string[]): Set<string> {
  const names = new Set<string>();
  const pattern = /\b(?:process\.env|env)(?:\.([A-Z][A-Z0-9_]*)|\[\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*\])/g;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts"))
        for (const m of readFileSync(path, "utf8").matchAll(pattern)) names.add((m[1] ?? m[2]) as string);
    }
  };
  for (const tree of trees) walk(join(REPO_ROOT, tree));
  return names;
}

const packageSrcs = readdirSync(join(REPO_ROOT, "packages")).map((p) => `packages/${p}/src`);
const ENV_READ_BY_IMAGE = new Map<string, Set<string>>([
  [RUNTIME_IMAGE, new Set([...CONFIG_ENV_VARS, ...envNamesReadIn(["apps/runtime/src", ...packageSrcs])])],
  [SIDECAR_IMAGE, new Set([...CONFIG_ENV_VARS, ...envNamesReadIn(["apps/sidecar/src", ...packageSrcs])])],
]);

describe("deploy/kubernetes parses", () => {
  it("every YAML document parses, and base, both overlays and the Secret example are there", () => {
    expect(problems.map((p) => `${p.file}: ${p.message}`)).toEqual([]);
    for (const file of [
      "base/kustomization.yaml",
      "overlays/dev/kustomization.yaml",
      "overlays/production/kustomization.yaml",
    ])
      expect(
        docs.some((d) => d.file === file),
        `deploy/kubernetes/${file} is missing`,
      ).toBe(true);
  });

  it("each kustomization lists files that exist, and overlay patches target resources of base", () => {
    const bad: string[] = [];
    for (const k of docs.filter((d) => d.kind === "Kustomization")) {
      const dir = k.file.slice(0, k.file.lastIndexOf("/"));
      for (const resource of k.body.resources ?? []) {
        const target = join(dir, resource);
        if (!resource.startsWith("..") && !docs.some((d) => d.file === target))
          bad.push(`${where(k, "resources")}: ${resource} not found`);
      }
      for (const patch of k.body.patches ?? []) {
        const patchDocs = docs.filter((d) => d.file === join(dir, patch.path));
        if (patchDocs.length === 0) bad.push(`${where(k, "patches")}: ${patch.path} not found`);
        for (const p of patchDocs)
          if (!base.some((d) => d.kind === p.kind && d.name === p.name))
            bad.push(`${where(p)}: patches nothing in base`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe("images, env and volumes", () => {
  it(`runs only ${RUNTIME_IMAGE}, ${SIDECAR_IMAGE} (version from package.json, newest protocol revision) and a pinned Redis`, () => {
    const bad: string[] = [];
    for (const doc of docs.filter((d) => WORKLOAD_KINDS.has(d.kind)))
      for (const c of containersOf(doc)) {
        if (c.image === undefined && doc.file.startsWith("overlays/")) continue; // a patch: base's image
        const ok =
          doc.name === "redis"
            ? THIRD_PARTY.test(c.image)
            : c.image === RUNTIME_IMAGE || c.image === SIDECAR_IMAGE;
        if (!ok) bad.push(`${where(doc, `container ${c.name} image`)}: ${c.image}`);
      }
    expect(bad).toEqual([]);
    expect(runtimeC.image).toBe(RUNTIME_IMAGE);
    expect(workerC.image).toBe(RUNTIME_IMAGE);
    expect(sidecarC.image).toBe(SIDECAR_IMAGE);
  });

  it("sets only env names the image's code reads, and takes secrets from keys the Secret example has", () => {
    const bad: string[] = [];
    for (const doc of docs.filter((d) => WORKLOAD_KINDS.has(d.kind)))
      for (const c of containersOf(doc)) {
        const allowed = ENV_READ_BY_IMAGE.get(c.image ?? imageByContainer.get(c.name));
        for (const entry of c.env ?? []) {
          if (allowed && !allowed.has(entry.name))
            bad.push(`${where(doc, `container ${c.name} env ${entry.name}`)}: not read by the code`);
          const ref = entry.valueFrom?.secretKeyRef;
          if (ref && (ref.name !== secretExample.name || !(ref.key in (secretExample.body.stringData ?? {}))))
            bad.push(
              `${where(doc, `container ${c.name} env ${entry.name}`)}: Secret ${ref.name} key ${ref.key} is not in base/secret.example.yaml`,
            );
        }
      }
    expect(bad).toEqual([]);
    expect(
      envOf(runtimeC).MCP_QUEUE_WORKER,
      `${where(runtimeDeploy)}: serving pods must leave the queue to the workers`,
    ).toBe("off");
  });

  it("the Secret example holds placeholders only and is not applied by kustomize", () => {
    for (const [key, value] of Object.entries(secretExample.body.stringData ?? {}))
      expect(String(value), `${where(secretExample, `stringData.${key}`)}`).toContain("CHANGE-ME");
    const k = one("Kustomization", "");
    expect(k.body.resources, `${where(k, "resources")}`).not.toContain("secret.example.yaml");
  });

  it("mounts every volume it names, a writable /tmp where the root is read-only, and the audit dir from a PVC", async () => {
    const bad: string[] = [];
    for (const doc of base.filter((d) => WORKLOAD_KINDS.has(d.kind))) {
      const volumes = new Map<string, Loose>((podSpec(doc).volumes ?? []).map((v: Loose) => [v.name, v]));
      const claims = new Set((doc.body.spec.volumeClaimTemplates ?? []).map((t: Loose) => t.metadata.name));
      for (const c of containersOf(doc)) {
        for (const m of c.volumeMounts ?? [])
          if (!volumes.has(m.name) && !claims.has(m.name))
            bad.push(`${where(doc, `container ${c.name} volumeMounts ${m.name}`)}: no such volume`);
        if (c.securityContext?.readOnlyRootFilesystem === true) {
          const tmp = (c.volumeMounts ?? []).find((m: Loose) => m.mountPath === "/tmp");
          if (!tmp || volumes.get(tmp.name)?.emptyDir === undefined || tmp.readOnly)
            bad.push(`${where(doc, `container ${c.name}`)}: read-only root without a writable emptyDir /tmp`);
        }
        for (const [field, value] of [
          ["runAsNonRoot", true],
          ["allowPrivilegeEscalation", false],
          ["readOnlyRootFilesystem", true],
        ] as const)
          if (c.securityContext?.[field] !== value)
            bad.push(`${where(doc, `container ${c.name} securityContext.${field}`)}: not ${value}`);
        if (!(c.securityContext?.capabilities?.drop ?? []).includes("ALL"))
          bad.push(`${where(doc, `container ${c.name} securityContext.capabilities.drop`)}: not ALL`);
        for (const m of c.volumeMounts ?? []) {
          const cm = volumes.get(m.name)?.configMap?.name;
          if (cm !== undefined && !base.some((d) => d.kind === "ConfigMap" && d.name === cm))
            bad.push(`${where(doc, `volume ${m.name}`)}: ConfigMap ${cm} not in base`);
          const pvc = volumes.get(m.name)?.persistentVolumeClaim?.claimName;
          if (pvc !== undefined && !base.some((d) => d.kind === "PersistentVolumeClaim" && d.name === pvc))
            bad.push(`${where(doc, `volume ${m.name}`)}: PVC ${pvc} not in base`);
        }
      }
    }
    expect(bad).toEqual([]);

    const sidecarYaml = await sidecarConfig();
    const auditMount = sidecarC.volumeMounts.find((m: Loose) => m.mountPath === sidecarYaml.audit.dir);
    expect(
      auditMount,
      `${where(sidecarDeploy)}: nothing mounted at sidecar.yaml audit.dir ${sidecarYaml.audit.dir}`,
    ).toBeDefined();
    const auditVolume = podSpec(sidecarDeploy).volumes.find((v: Loose) => v.name === auditMount.name);
    expect(
      auditVolume.persistentVolumeClaim,
      `${where(sidecarDeploy, `volume ${auditMount.name}`)}: the audit dir must be a PVC`,
    ).toBeDefined();
    expect(sidecarYaml.watch, "sidecar.yaml watch: the runtime's config as mounted in the sidecar pod").toBe(
      mountedConfigPath(sidecarDeploy, sidecarC, "mcp-runtime-config", "config.yaml"),
    );
  });
});

/** Where `key` of ConfigMap `configMap` appears inside the container, or undefined. */
function mountedConfigPath(doc: ManifestDoc, c: Loose, configMap: string, key: string): string | undefined {
  const volume = (podSpec(doc).volumes ?? []).find((v: Loose) => v.configMap?.name === configMap);
  const mount = (c.volumeMounts ?? []).find((m: Loose) => m.name === volume?.name);
  return mount === undefined ? undefined : `${mount.mountPath}/${key}`;
}

async function sidecarConfig(): Promise<Loose> {
  const dir = await mkdtemp(join(tmpdir(), "k8s-sidecar-config-"));
  try {
    await writeFile(join(dir, "sidecar.yaml"), configMapText("mcp-sidecar-config", "sidecar.yaml"));
    const loaded = await loadSidecarConfig(join(dir, "sidecar.yaml"));
    if (!loaded.ok)
      throw new Error(`base/sidecar-config.yaml data.sidecar.yaml: ${loaded.issues.join("; ")}`);
    return loaded.config;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("configs through the real loaders", () => {
  const runtimeText = configMapText("mcp-runtime-config", "config.yaml");
  const runtimeLoad = (env: Record<string, string>) =>
    loadConfig({ file: "/etc/mcp-runtime/config.yaml", text: runtimeText, env });

  it("config.yaml is valid with the env of the runtime, the worker and the sidecar (which validates it before each push)", async () => {
    for (const [doc, c] of [
      [runtimeDeploy, runtimeC],
      [workerDeploy, workerC],
      [sidecarDeploy, sidecarC],
    ] as const) {
      const loaded = await runtimeLoad(envOf(c));
      expect(
        loaded.ok ? [] : loaded.issues.map((i) => `${i.path}: ${i.message}`),
        `base/runtime-config.yaml data.config.yaml with the env of ${where(doc, `container ${c.name}`)}`,
      ).toEqual([]);
    }
    const loaded = await runtimeLoad(envOf(runtimeC));
    if (!loaded.ok) return;
    const { config } = loaded;
    expect(config.queue.backend, "config.yaml queue.backend (the worker Deployment needs bullmq)").toBe(
      "bullmq",
    );
    expect(config.cache.backend).toBe("redis");
    expect(config.limits.backend).toBe("redis");
    expect(config.server.trustProxyHops).toBe(1);
    expect(
      config.telemetry.sidecar,
      "config.yaml telemetry.sidecar names the sidecar Service and port",
    ).toMatch(
      new RegExp(
        `^ws://${one("Service", "mcp-sidecar").name}(\\.mcp-runtime(\\.svc(\\.cluster\\.local)?)?)?:${one("Service", "mcp-sidecar").body.spec.ports[0].port}$`,
      ),
    );
    expect(config.server.allowedHosts, "config.yaml server.allowedHosts names the runtime Service").toContain(
      `${runtimeDeploy.name}.mcp-runtime.svc.cluster.local`,
    );
  });

  it("the containers read the config where the ConfigMap is mounted", () => {
    for (const [doc, c] of [
      [runtimeDeploy, runtimeC],
      [workerDeploy, workerC],
    ] as const)
      expect(flagValue(c.args, "--config"), `${where(doc, `container ${c.name} args --config`)}`).toBe(
        mountedConfigPath(doc, c, "mcp-runtime-config", "config.yaml"),
      );
    expect(
      flagValue(sidecarC.args, "--config"),
      `${where(sidecarDeploy, "container sidecar args --config")}`,
    ).toBe(mountedConfigPath(sidecarDeploy, sidecarC, "mcp-sidecar-config", "sidecar.yaml"));
  });

  it("the runtime's terminationGracePeriodSeconds covers the preStop sleep plus server.shutdownGraceMs", async () => {
    const loaded = await runtimeLoad(envOf(runtimeC));
    if (!loaded.ok) throw new Error("config.yaml invalid (see above)");
    const preStop = runtimeC.lifecycle?.preStop?.sleep?.seconds ?? 0;
    const grace = podSpec(runtimeDeploy).terminationGracePeriodSeconds;
    expect(preStop, `${where(runtimeDeploy, "lifecycle.preStop.sleep.seconds")}`).toBeGreaterThan(0);
    expect(grace, `${where(runtimeDeploy, "terminationGracePeriodSeconds")}`).toBeGreaterThanOrEqual(
      preStop + loaded.config.server.shutdownGraceMs / 1000 + 5,
    );
  });
});

describe("ports, Services, NetworkPolicies, PDB and HPA", () => {
  const portsOf = (doc: ManifestDoc): Loose[] => containersOf(doc).flatMap((c) => c.ports ?? []);
  const workloads = base.filter((d) => WORKLOAD_KINDS.has(d.kind));
  const podsMatching = (selector: Loose): ManifestDoc[] =>
    workloads.filter((w) => labelsMatch(selector, w.body.spec.template.metadata.labels));

  it("containerPorts equal the --port their args serve, and probes use /healthz and /readyz on that port", () => {
    for (const [doc, c] of [
      [runtimeDeploy, runtimeC],
      [sidecarDeploy, sidecarC],
    ] as const) {
      const http = (c.ports ?? []).find((p: Loose) => p.name === "http");
      expect(http?.containerPort, `${where(doc, `container ${c.name} ports http`)}`).toBe(
        Number(flagValue(c.args, "--port")),
      );
      for (const [probe, path] of [
        ["livenessProbe", "/healthz"],
        ["startupProbe", "/healthz"],
        ["readinessProbe", "/readyz"],
      ] as const) {
        expect(c[probe]?.httpGet?.path, `${where(doc, `container ${c.name} ${probe}.httpGet.path`)}`).toBe(
          path,
        );
        expect(
          [http?.name, http?.containerPort],
          `${where(doc, `container ${c.name} ${probe}.httpGet.port`)}`,
        ).toContain(c[probe]?.httpGet?.port);
      }
    }
    // The worker's one port is its health port: MCP_WORKER_HEALTH_PORT (or --health-port), on
    // all interfaces so the kubelet reaches it.
    const health = (workerC.ports ?? []).find((p: Loose) => p.name === "health");
    expect(health?.containerPort, `${where(workerDeploy, "container worker ports health")}`).toBe(
      Number(flagValue(workerC.args, "--health-port") ?? envOf(workerC).MCP_WORKER_HEALTH_PORT),
    );
    expect(flagValue(workerC.args, "--health-host"), `${where(workerDeploy, "args --health-host")}`).toBe(
      "0.0.0.0",
    );
    for (const [probe, path] of [
      ["livenessProbe", "/healthz"],
      ["startupProbe", "/healthz"],
      ["readinessProbe", "/readyz"],
    ] as const) {
      expect(workerC[probe]?.httpGet?.path, `${where(workerDeploy, `container worker ${probe}`)}`).toBe(path);
      expect(
        [health?.name, health?.containerPort],
        `${where(workerDeploy, `${probe}.httpGet.port`)}`,
      ).toContain(workerC[probe]?.httpGet?.port);
    }
  });

  it("the worker's terminationGracePeriodSeconds covers server.shutdownGraceMs (its bounded drain)", async () => {
    const loaded = await loadConfig({
      file: "/etc/mcp-runtime/config.yaml",
      text: configMapText("mcp-runtime-config", "config.yaml"),
      env: envOf(workerC),
    });
    if (!loaded.ok) throw new Error("config.yaml invalid");
    expect(
      podSpec(workerDeploy).terminationGracePeriodSeconds,
      `${where(workerDeploy, "terminationGracePeriodSeconds")}`,
    ).toBeGreaterThanOrEqual(loaded.config.server.shutdownGraceMs / 1000 + 5);
  });

  it("every Service's targetPort is a port of the pods it selects", () => {
    const bad: string[] = [];
    for (const svc of base.filter((d) => d.kind === "Service")) {
      const pods = podsMatching({ matchLabels: svc.body.spec.selector });
      if (pods.length === 0) bad.push(`${where(svc, "spec.selector")}: selects no workload`);
      for (const port of svc.body.spec.ports)
        for (const pod of pods)
          if (!portsOf(pod).some((p) => p.name === port.targetPort || p.containerPort === port.targetPort))
            bad.push(
              `${where(svc, `ports ${port.name} targetPort`)}: ${port.targetPort} not a port of ${where(pod)}`,
            );
    }
    expect(bad).toEqual([]);
    expect(one("Service", "mcp-runtime").body.spec.ports[0].port).toBe(8080);
    expect(one("Service", "mcp-sidecar").body.spec.ports[0].port).toBe(8090);
  });

  it("NetworkPolicy ports are ports the selected pods serve; OTLP egress is telemetry.otlp's port", async () => {
    const bad: string[] = [];
    const served = (pods: ManifestDoc[]) =>
      new Set(pods.flatMap((p) => portsOf(p).map((port) => port.containerPort)));
    const policies = base.filter((d) => d.kind === "NetworkPolicy");
    expect(
      policies.some(
        (p) =>
          Object.keys(p.body.spec.podSelector ?? {}).length === 0 &&
          p.body.spec.policyTypes?.includes("Ingress") &&
          p.body.spec.policyTypes?.includes("Egress") &&
          !p.body.spec.ingress &&
          !p.body.spec.egress,
      ),
      "base/network-policy.yaml: a default-deny policy",
    ).toBe(true);
    for (const policy of policies) {
      const own = served(podsMatching(policy.body.spec.podSelector));
      for (const rule of policy.body.spec.ingress ?? [])
        for (const port of rule.ports ?? [])
          if (!own.has(port.port))
            bad.push(`${where(policy, "ingress ports")}: ${port.port} is served by none of its pods`);
      for (const rule of policy.body.spec.egress ?? [])
        for (const peer of rule.to ?? []) {
          if (peer.namespaceSelector !== undefined || peer.podSelector === undefined) continue;
          const target = served(podsMatching(peer.podSelector));
          for (const port of rule.ports ?? [])
            if (!target.has(port.port))
              bad.push(
                `${where(policy, "egress ports")}: ${port.port} is served by none of ${JSON.stringify(peer.podSelector.matchLabels)}`,
              );
        }
    }
    expect(bad).toEqual([]);
    const loaded = await loadConfig({
      file: "/etc/mcp-runtime/config.yaml",
      text: configMapText("mcp-runtime-config", "config.yaml"),
      env: envOf(runtimeC),
    });
    if (!loaded.ok || loaded.config.telemetry.otlp === undefined)
      throw new Error("config.yaml telemetry.otlp is missing or invalid");
    const otlpPort = Number(new URL(loaded.config.telemetry.otlp).port || 80);
    const runtimePolicy = one("NetworkPolicy", "mcp-runtime");
    const egressPorts = (runtimePolicy.body.spec.egress ?? []).flatMap((r: Loose) =>
      (r.ports ?? []).map((p: Loose) => p.port),
    );
    expect(egressPorts, `${where(runtimePolicy, "egress")}: telemetry.otlp port`).toContain(otlpPort);
  });

  it("overlays: dev runs one replica, production three with a PDB of two and an HPA that never goes below them", () => {
    const overlay = (name: string) => docs.filter((d) => d.file.startsWith(`overlays/${name}/`));
    const render = (name: string, kind: string, resource: string): Loose => {
      const patch = overlay(name).find((d) => d.kind === kind && d.name === resource);
      return { ...one(kind, resource).body.spec, ...(patch?.body.spec ?? {}) };
    };
    for (const [name, replicas] of [
      ["dev", 1],
      ["production", 3],
    ] as const) {
      const deploy = render(name, "Deployment", "mcp-runtime");
      const pdb = render(name, "PodDisruptionBudget", "mcp-runtime");
      const hpa = render(name, "HorizontalPodAutoscaler", "mcp-runtime");
      expect(deploy.replicas, `overlays/${name} Deployment/mcp-runtime spec.replicas`).toBe(replicas);
      expect(
        pdb.minAvailable,
        `overlays/${name} PodDisruptionBudget/mcp-runtime spec.minAvailable`,
      ).toBeLessThan(replicas);
      expect(hpa.minReplicas, `overlays/${name} HorizontalPodAutoscaler/mcp-runtime spec.minReplicas`).toBe(
        replicas,
      );
    }
    expect(render("production", "PodDisruptionBudget", "mcp-runtime").minAvailable).toBe(2);
    for (const name of ["base", "dev", "production"]) {
      const sidecar =
        name === "base"
          ? one("Deployment", "mcp-sidecar").body.spec
          : render(name, "Deployment", "mcp-sidecar");
      expect(
        [sidecar.replicas, sidecar.strategy?.type],
        `${name} Deployment/mcp-sidecar: one writer of the audit chain`,
      ).toEqual([1, "Recreate"]);
    }
  });
});

describe("the real CLIs with the manifests' exact args", () => {
  let redis: TestRedis;
  let dir: string;
  let runtime: ReadyProcess | undefined;
  let metricsText = "";
  const cacheKeys = `k1:${randomBytes(32).toString("base64")}`;

  beforeAll(async () => {
    redis = await startRedis();
    dir = await mkdtemp(join(tmpdir(), "k8s-manifests-"));
    await writeFile(join(dir, "config.yaml"), configMapText("mcp-runtime-config", "config.yaml"));
  });
  afterAll(async () => {
    if (runtime && runtime.child.exitCode === null) runtime.child.kill("SIGTERM");
    await runtime?.exited;
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const secrets = () => ({ REDIS_URL: redis.url, MCP_CACHE_KEYS: cacheKeys });
  const childEnv = (c: Loose, extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH ?? "",
    OTEL_SDK_DISABLED: "true",
    ...envOf(c, { ...secrets(), ...extra }),
  });

  it("mcp-runtime starts with the runtime container's args (only --config and --port swapped) and answers its probes and /metrics", async () => {
    const args = withFlags(runtimeC.args, { "--config": join(dir, "config.yaml"), "--port": "0" });
    runtime = await spawnReady(
      [CLI_PATH, ...args],
      /mcp-runtime listening on (http:\/\/[^\s]+\/mcp)/,
      "runtime",
      childEnv(runtimeC),
    );
    const port = new URL(runtime.ready).port;
    const paths = ["livenessProbe", "readinessProbe", "startupProbe"].map((p) => runtimeC[p].httpGet.path);
    for (const path of [...paths, "/metrics"]) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(response.status, `${where(runtimeDeploy, `GET ${path}`)}`).toBe(200);
      if (path === "/metrics") metricsText = await response.text();
    }
  });

  it("the Host check lets the Service's names through to /mcp and refuses others", async () => {
    if (!runtime) throw new Error("runtime did not start");
    const port = Number(new URL(runtime.ready).port);
    const post = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: "127.0.0.1",
            port,
            path: "/mcp",
            method: "POST",
            headers: {
              host,
              "content-type": "application/json",
              accept: "application/json, text/event-stream",
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }));
      });
    expect(await post("evil.example:8080")).toBe(403);
    // Past the Host check, oauth wants a bearer token: 401 proves the name was accepted.
    for (const host of [
      "mcp-runtime.mcp-runtime.svc.cluster.local:8080",
      "mcp-runtime:8080",
      "mcp.example.com",
    ])
      expect(await post(host), `config.yaml server.allowedHosts should admit Host ${host}`).toBe(401);
  });

  it("the HPA scales on a request-rate metric the Prometheus Adapter derives from a counter the runtime exports", () => {
    const hpa = one("HorizontalPodAutoscaler", "mcp-runtime");
    const adapterDoc = one("ConfigMap", "prometheus-adapter-mcp-rules", docs);
    const rules: Loose[] = (loadYamlText(adapterDoc.body.data["config.yaml"]).rules ?? []) as Loose[];
    for (const metric of hpa.body.spec.metrics) {
      const where_ = where(hpa, `spec.metrics[${metric.type}]`);
      expect(["Resource", "ContainerResource"], `${where_}: not CPU or memory`).not.toContain(metric.type);
      const name = metric.pods?.metric?.name ?? metric.object?.metric?.name;
      const rule = rules.find((r) => r.name?.as === name);
      expect(rule, `${where_}: no rule in extras/prometheus-adapter-rules.yaml makes ${name}`).toBeDefined();
      const source = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{/.exec(rule.seriesQuery)?.[1];
      expect(metricsText, `${where(adapterDoc)}: the runtime's /metrics has no counter ${source}`).toMatch(
        new RegExp(`^# TYPE ${source} counter$`, "m"),
      );
      expect(source).toMatch(new RegExp(rule.name.matches));
    }
  });

  it("mcp-runtime worker starts with the worker container's args, loads the config's plugins, answers its probes and /metrics, and drains on SIGTERM", async () => {
    const args = withFlags(workerC.args, { "--config": join(dir, "config.yaml") });
    // Only the health port swapped (0: a free one); its URL is in the info-level log line.
    const worker = await spawnReady(
      [CLI_PATH, ...args],
      /"msg":"plugin loaded"[\s\S]*"msg":"worker health listening","url":"(http:[^"]+)"[\s\S]*mcp-runtime worker ready/,
      "worker",
      childEnv(workerC, { MCP_WORKER_HEALTH_PORT: "0", LOG_LEVEL: "info" }),
    );
    try {
      const url = new URL(worker.ready);
      expect(url.hostname, "--health-host 0.0.0.0").toBe("0.0.0.0");
      const paths = ["livenessProbe", "readinessProbe", "startupProbe"].map((p) => workerC[p].httpGet.path);
      for (const path of [...paths, "/metrics"]) {
        const response = await fetch(`http://127.0.0.1:${url.port}${path}`);
        expect(response.status, `${where(workerDeploy, `GET ${path}`)}: ${await response.text()}`).toBe(200);
      }
    } finally {
      worker.child.kill("SIGTERM");
      expect(await worker.exited, worker.stderr()).toBe(0);
    }
  });

  it("mcp-sidecar starts with the sidecar container's args and sidecar.yaml (audit dir and watch moved to a temp dir)", async () => {
    const sidecarYaml = loadYamlText(configMapText("mcp-sidecar-config", "sidecar.yaml"));
    const file = join(dir, "sidecar.yaml");
    await writeFile(
      file,
      JSON.stringify({
        ...sidecarYaml,
        audit: { ...sidecarYaml.audit, dir: join(dir, "audit") },
        watch: join(dir, "config.yaml"),
      }),
    );
    const args = withFlags(sidecarC.args, { "--config": file, "--port": "0" });
    const sidecar = await spawnReady(
      [SIDECAR_CLI, ...args],
      /mcp-sidecar listening on (http:\/\/[^\s]+)/,
      "sidecar",
      childEnv(sidecarC, { MCP_SIDECAR_TOKEN: "t" }),
    );
    try {
      const port = new URL(sidecar.ready).port;
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
        const path = sidecarC[probe].httpGet.path;
        expect(
          (await fetch(`http://127.0.0.1:${port}${path}`)).status,
          `${where(sidecarDeploy, `${probe} GET ${path}`)}`,
        ).toBe(200);
      }
    } finally {
      sidecar.child.kill("SIGTERM");
      expect(await sidecar.exited, sidecar.stderr()).toBe(0);
    }
  });
});

function loadYamlText(text: string): Loose {
  return parseYaml(text);
}
