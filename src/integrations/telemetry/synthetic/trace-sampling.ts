import { MINUTE_MS } from '../../../core/durations'
import { hashInts } from './stable-hash'

/** Requests per service per minute that traces() returns, like a fixed-rate trace sampler. */
export const TRACES_PER_MINUTE = 3

/** The k-th sampled request of a service in a minute: its trace id and start. */
export function sampledTrace(seed: number, serviceHash: number, minute: number, k: number): { traceId: string; startMs: number } {
  let traceId = ''
  for (let part = 0; part < 4; part++) traceId += hashInts(seed, serviceHash, minute, k, part, 0x7ace).toString(16).padStart(8, '0')
  const offsetMs = hashInts(seed, serviceHash, minute, k, 0x51a7) % MINUTE_MS
  return { traceId, startMs: minute * MINUTE_MS + offsetMs }
}
