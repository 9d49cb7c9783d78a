import { WILDCARD, compilePattern, matchesPattern, type TokenPattern } from './template-token'

/**
 * Whether template `general` covers template `specific`: same token count, and each token
 * equal or fitting `general`'s pattern (`user <*>` covers `user alice`, `id=<*>` covers `id=<*>`).
 */
export function templateCovers(general: string, specific: string): boolean {
  return covers(compileTemplate(general), specific.split(' '))
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

interface CompiledTemplate {
  tokens: string[]
  patterns: Array<TokenPattern | null>
}

/** Stored templates tokenised once and grouped by token count, so matching many mined templates stays cheap. */
export class StoredTemplateIndex<T extends { template: string }> {
  private readonly byLength = new Map<number, Array<{ stored: T; compiled: CompiledTemplate }>>()

  constructor(stored: readonly T[]) {
    for (const s of stored) {
      if (!hasLiteralToken(s.template)) continue
      const compiled = compileTemplate(s.template)
      const list = this.byLength.get(compiled.tokens.length)
      if (list) list.push({ stored: s, compiled })
      else this.byLength.set(compiled.tokens.length, [{ stored: s, compiled }])
    }
  }

  /**
   * The stored template a freshly mined one is, matched by pattern rather than by hash, because
   * a template can still generalise after it is stored: equal text first, then a stored template
   * that covers the mined one, then one the mined template covers (which it then replaces).
   */
  match(mined: string): TemplateMatch<T> | null {
    if (!hasLiteralToken(mined)) return null
    const compiled = compileTemplate(mined)
    const candidates = this.byLength.get(compiled.tokens.length) ?? []
    const equal = candidates.find((c) => c.stored.template === mined)
    if (equal) return { stored: equal.stored, template: equal.stored.template }
    const covering = candidates.find((c) => covers(c.compiled, compiled.tokens))
    if (covering) return { stored: covering.stored, template: covering.stored.template }
    const covered = candidates.find((c) => covers(compiled, c.compiled.tokens))
    return covered ? { stored: covered.stored, template: mined } : null
  }
}

function compileTemplate(template: string): CompiledTemplate {
  const tokens = template.split(' ')
  return { tokens, patterns: tokens.map(compilePattern) }
}

function covers(general: CompiledTemplate, specific: string[]): boolean {
  if (general.tokens.length !== specific.length) return false
  for (let i = 0; i < specific.length; i++) {
    if (general.tokens[i] === specific[i]) continue
    const pattern = general.patterns[i]
    if (!pattern || !matchesPattern(pattern, specific[i]!)) return false
  }
  return true
}
