import { defineConfig } from "vitest/config";

export default defineConfig({
  // npm pack + npm install + tsc over the packed types: minutes on a busy 2-core machine.
  test: { include: ["test/**/*.test.ts"], testTimeout: 240_000, hookTimeout: 240_000 },
});
