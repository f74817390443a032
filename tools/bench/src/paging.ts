/** Small pure helpers of the seeding and paging in scenario 10 (unit-tested on their own). */

/** The API's default page size (GET /api/messages/:uuid, GET /api/message_groups). */
export const PAGE = 20

/** Last page of `n` items in pages of PAGE, and its size. */
export function lastPage(n: number): { page: number; size: number } {
  const page = Math.max(1, Math.ceil(n / PAGE))
  return { page, size: n - PAGE * (page - 1) }
}

/** Runs `work(i)` for i in 0..count-1 with at most `concurrency` in flight. */
export async function inParallel(
  count: number,
  concurrency: number,
  work: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++)
    }),
  )
}
