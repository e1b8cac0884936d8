/**
 * A function's dependencies are built once per execution environment, on first use, and shared by
 * every later invocation. A build that fails (a secret store down, a policy bundle unreadable) is
 * not remembered: the next invocation builds again, instead of failing until the environment is
 * recycled.
 *
 * @example
 *   const deps = coldStart(registryWebhookDeps);
 *   export const handler = async (event) => registryWebhook(event, await deps());
 */
export function coldStart<T>(build: () => T | Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending) return pending;
    const attempt = Promise.resolve().then(build);
    // Forget a failed build, so the next invocation tries again.
    attempt.catch(() => {
      if (pending === attempt) pending = undefined;
    });
    pending = attempt;
    return attempt;
  };
}
