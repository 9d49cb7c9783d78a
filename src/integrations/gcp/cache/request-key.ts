import { createHash } from 'node:crypto'

/** JSON with object keys sorted at every depth, so equal requests serialise identically. */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** The cache key of a normalised request: API, method and a hash of the request body. */
export function requestKey(api: string, method: string, request: unknown): string {
  const digest = createHash('sha256').update(canonicalJson(request)).digest('base64url').slice(0, 32)
  return `${api}:${method}:${digest}`
}

/** Widens a window to whole quanta (start down, end up), so requests made moments apart ask the same question. */
export function quantizeWindow(startMs: number, endMs: number, quantumMs: number): { startMs: number; endMs: number } {
  return { startMs: Math.floor(startMs / quantumMs) * quantumMs, endMs: Math.ceil(endMs / quantumMs) * quantumMs }
}
