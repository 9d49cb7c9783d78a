/**
 * Picks the service named in free text: the first known service mentioned, else
 * the first word when it looks like a service name (the documented usage is
 * `/sre analyze <service> <symptoms>`).
 */
export function serviceFromText(text: string, known: readonly string[]): string | null {
  const words = text
    .toLowerCase()
    .split(/[^a-z0-9-]+/)
    .filter(Boolean)
  const mentioned = words.find((w) => known.includes(w))
  if (mentioned) return mentioned
  const first = words[0]
  return first && /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(first) ? first : null
}
