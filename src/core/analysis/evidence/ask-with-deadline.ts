import { withDeadline } from '../../deadline'

/** One question asked of a source about one service, and how it went. */
export interface Asked<T> {
  service: string
  what: string
  result: PromiseSettledResult<T>
}

/** Asks one question; `asker` names it when it gives no answer within the deadline. */
export async function askWithDeadline<T>(service: string, what: string, work: () => Promise<T>, deadlineMs: number, asker: string): Promise<Asked<T>> {
  // A provider that throws synchronously fails its own query, not the whole gathering.
  const [result] = await Promise.allSettled([withDeadline(Promise.resolve().then(work), deadlineMs, asker)])
  return { service, what, result: result! }
}
