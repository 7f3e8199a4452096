/** @module The runtime's own version, read once from its package.json. */
import { RUNTIME_MANIFEST } from "./package-dir.js";

export const RUNTIME_VERSION: string = RUNTIME_MANIFEST.version;
