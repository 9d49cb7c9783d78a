import { createHash } from 'node:crypto'
import { canonicalJson } from '../../../core/canonical-json'

export { canonicalJson }

/** The cache key of a normalised request: API, method and a hash of the request body. */
export function requestKey(api: string, method: string, request: unknown): string {
  const digest = createHash('sha256').update(canonicalJson(request)).digest('base64url').slice(0, 32)
  return `${api}:${method}:${digest}`
}

/** Widens a window to whole quanta (start down, end up), so requests made moments apart ask the same question. */
export function quantizeWindow(startMs: number, endMs: number, quantumMs: number): { startMs: number; endMs: number } {
  return { startMs: Math.floor(startMs / quantumMs) * quantumMs, endMs: Math.ceil(endMs / quantumMs) * quantumMs }
}
