/**
 * @module The scale-out cluster (Redis-backed nodes and workers behind nginx), shared with
 * `npm run bench:scale` rather than copied: it lives in tools/bench/cluster.mjs, which plain Node
 * runs without a TypeScript step.
 */
export {
  type Cluster,
  type ClusterNode,
  type ClusterProcess,
  type Exit,
  startCluster,
} from "../../../../tools/bench/cluster.mjs";
