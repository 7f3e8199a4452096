/** @module The capture store: captured calls written to size-bounded JSONL files and read back for replay. */
export { readCaptured } from "./read.js";
export { openCaptureStore } from "./store.js";
export type { CaptureQuery, CaptureRecord, CaptureStoreOptions, CaptureWriter } from "./types.js";
