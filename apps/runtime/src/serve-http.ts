/** @module `serve --transport http`: placeholder until the Streamable HTTP transport lands (issue 4). */
import type { Logger } from "./logger.js";
import type { Runtime } from "./runtime.js";

export async function serveHttp(runtime: Runtime, logger: Logger): Promise<number> {
  logger.error({ msg: "the http transport is not available in this build; use --transport stdio" });
  logger.flush();
  await runtime.close();
  return 2;
}
