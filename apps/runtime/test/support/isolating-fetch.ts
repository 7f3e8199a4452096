/**
 * @module A `fetch` for the SDK 1.x StreamableHTTPClientTransport that gives every request its own
 * AbortSignal. The transport passes one long-lived signal (its AbortController) to every fetch, and
 * undici adds an abort listener to it per request that goes only when the signal aborts or is
 * collected: a client making thousands of calls piles up thousands of listeners (the
 * "1501 abort listeners added to [AbortSignal]" warning in sandbox-hostile). Here the transport's
 * signal gets one listener per request, removed when the response body ends, fails or is cancelled.
 */

export async function isolatingFetch(input: string | URL, init?: RequestInit): Promise<Response> {
  const parent = init?.signal;
  if (!parent) return fetch(input, init);
  const own = new AbortController();
  const forward = () => own.abort(parent.reason);
  const release = () => parent.removeEventListener("abort", forward);
  if (parent.aborted) own.abort(parent.reason);
  else parent.addEventListener("abort", forward, { once: true });
  let res: Response;
  try {
    res = await fetch(input, { ...init, signal: own.signal });
  } catch (cause) {
    release();
    throw cause;
  }
  if (!res.body) {
    release();
    return res;
  }
  // The link lives as long as the body: an SSE response may stay open, and closing the transport
  // must still end it.
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (cause) {
        release();
        controller.error(cause);
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}
