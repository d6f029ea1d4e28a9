/** Run `work` over `items` with at most `concurrency` in flight; the first failure stops new starts and is thrown. */
export async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    // After one failure no runner starts another item; those in flight finish.
    while (!failed && next < items.length) {
      try {
        await work(items[next++]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  });
  const results = await Promise.allSettled(runners);
  const rejected = results.find((result) => result.status === 'rejected');
  if (rejected) throw rejected.reason;
}
