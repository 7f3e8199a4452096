/** @module `waitFor` shared by both backends: event-driven, with a slow poll as a safety net for lost events. */
import type { JobQueue, JobSnapshot } from "./types.js";

export function settleWhen<P, R>(
  queue: JobQueue<P, R>,
  id: string,
  until: (job: JobSnapshot<P, R>) => boolean,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  pollMs: number,
): Promise<JobSnapshot<P, R> | undefined> {
  return new Promise((resolve, reject) => {
    let done = false;
    let latest: JobSnapshot<P, R> | undefined;
    let checking = false;
    let again = false;
    const finish = (value: JobSnapshot<P, R> | undefined) => {
      if (done) return;
      done = true;
      off();
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    };
    const check = async () => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          latest = await queue.get(id);
          if (!latest || until(latest)) return finish(latest);
        } while (again && !done);
      } catch (cause) {
        if (!done) {
          done = true;
          off();
          reject(cause);
        }
      } finally {
        checking = false;
      }
    };
    const onAbort = () => finish(latest);
    const off = queue.onEvent((event) => {
      if (event.jobId === id) void check();
    });
    const timer = setTimeout(() => finish(latest), Number.isFinite(timeoutMs) ? timeoutMs : 2 ** 31 - 1);
    const poll = pollMs > 0 ? setInterval(() => void check(), pollMs) : undefined;
    signal?.addEventListener("abort", onAbort, { once: true });
    void check();
  });
}
