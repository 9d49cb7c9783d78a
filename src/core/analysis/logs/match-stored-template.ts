import { WILDCARD, compilePattern, matchesPattern } from './template-token'

/**
 * Whether template `general` covers template `specific`: same token count, and each token
 * equal or fitting `general`'s pattern (`user <*>` covers `user alice`, `id=<*>` covers `id=<*>`).
 */
export function templateCovers(general: string, specific: string): boolean {
  const g = general.split(' ')
  const s = specific.split(' ')
  if (g.length !== s.length) return false
  for (let i = 0; i < g.length; i++) {
    if (g[i] === s[i]) continue
    const pattern = compilePattern(g[i]!)
    if (!pattern || !matchesPattern(pattern, s[i]!)) return false
  }
  return true
}

/** A template made only of parameters (the miner's overflow `<*>`) would cover every line of its length. */
export function hasLiteralToken(template: string): boolean {
  return template.split(' ').some((t) => t !== '' && t !== WILDCARD)
}

export interface TemplateMatch<T> {
  stored: T
  /** The text to keep: the stored one, or the mined one when it has generalised past it. */
  template: string
}

/**
 * The stored template a freshly mined one is, matched by pattern rather than by hash, because
 * a template can still generalise after it is stored: equal text first, then a stored template
 * that covers the mined one, then one the mined template covers (which it then replaces).
 */
export function matchStoredTemplate<T extends { template: string }>(mined: string, stored: readonly T[]): TemplateMatch<T> | null {
  if (!hasLiteralToken(mined)) return null
  const candidates = stored.filter((s) => hasLiteralToken(s.template))
  const equal = candidates.find((s) => s.template === mined)
  if (equal) return { stored: equal, template: equal.template }
  const covering = candidates.find((s) => templateCovers(s.template, mined))
  if (covering) return { stored: covering, template: covering.template }
  const covered = candidates.find((s) => templateCovers(mined, s.template))
  return covered ? { stored: covered, template: mined } : null
}
