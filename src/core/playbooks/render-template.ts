import { HOUR_MS, MINUTE_MS, SECOND_MS } from '../durations'
/**
 * Fills `{{path.to.value}}` placeholders from a context object. Only the context's
 * own keys are reachable, and values are never evaluated: text from alerts stays text.
 */
export function renderTemplate(template: string, context: Record<string, unknown>, encode: (value: string) => string = (v) => v): string {
  return template.replace(/\{\{\s*([a-zA-Z0-9_.-]+)\s*\}\}/g, (whole, path: string) => {
    let value: unknown = context
    for (const key of path.split('.')) {
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return whole
      value = (value as Record<string, unknown>)[key]
    }
    return value === null || value === undefined ? '' : encode(String(value))
  })
}

/** Renders a URL template; inserted values are percent-encoded so they cannot change the path or host. */
export function renderUrl(template: string, context: Record<string, unknown>): string {
  const env = (context.env ?? {}) as Record<string, unknown>
  // Configured base URLs are trusted settings and go in verbatim; everything else is data.
  const withBase = template.replace(/\{\{\s*env\.([A-Z_]+)\s*\}\}/g, (whole, key: string) => (Object.hasOwn(env, key) ? String(env[key]) : whole))
  return renderTemplate(withBase, context, encodeURIComponent)
}

/** Renders every string inside a JSON-like value. */
export function renderDeep<T>(value: T, context: Record<string, unknown>): T {
  if (typeof value === 'string') return renderTemplate(value, context) as T
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, context)) as T
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, context)])) as T
  }
  return value
}

export function parseDuration(text: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(text)
  if (!m) throw new Error(`not a duration: ${text}`)
  return Number(m[1]) * { s: SECOND_MS, m: MINUTE_MS, h: HOUR_MS }[m[2] as 's' | 'm' | 'h']
}
