import type { Playbook } from './schema'

export interface PlaybookCandidate {
  playbook: Playbook
  score: number
  reasons: string[]
}

export interface SelectionContext {
  text: string
  service: string | null
  resourceType: string | null
  policyName: string | null
  /** Playbook suggested by the best telemetry hypothesis, with its support. */
  hypothesis: { playbookId: string; support: number } | null
  /** Similar past incidents' playbooks, weighted by similarity, with whether the fix worked. */
  history: Array<{ playbookId: string | null; similarity: number; outcome: 'worked' | 'partly' | 'failed' | 'unknown' | null }>
}

/** Ranks applicable playbooks: match rules, telemetry hypothesis, and what worked before. */
export function rankPlaybooks(catalog: Playbook[], ctx: SelectionContext): PlaybookCandidate[] {
  const text = ctx.text.toLowerCase()
  return catalog
    .map((playbook) => {
      const reasons: string[] = []
      let score = 0
      const m = playbook.match
      if (ctx.service && m.services.includes(ctx.service)) {
        score += 1
        reasons.push(`applies to ${ctx.service}`)
      }
      if (ctx.resourceType && m.resourceTypes.includes(ctx.resourceType)) {
        score += 0.5
        reasons.push(`applies to ${ctx.resourceType}`)
      }
      if (ctx.policyName && m.policies.some((p) => p.toLowerCase() === ctx.policyName!.toLowerCase())) {
        score += 1.5
        reasons.push(`alert policy "${ctx.policyName}"`)
      }
      const words = m.keywords.filter((k) => text.includes(k.toLowerCase()))
      if (words.length) {
        score += Math.min(2, words.length * 0.6)
        reasons.push(`mentions ${words.map((w) => `"${w}"`).join(', ')}`)
      }
      if (ctx.hypothesis?.playbookId === playbook.id && ctx.hypothesis.support > 0) {
        score += 3 * ctx.hypothesis.support
        reasons.push('fits what the telemetry shows')
      }
      let votes = 0
      for (const h of ctx.history) {
        if (h.playbookId !== playbook.id) continue
        votes += h.similarity * (h.outcome === 'failed' ? -0.5 : h.outcome === 'worked' ? 1 : 0.5)
      }
      if (votes > 0) {
        score += votes
        reasons.push('used on similar past incidents')
      }
      return { playbook, score, reasons }
    })
    .filter((c) => c.score > 0.5)
    .sort((a, b) => b.score - a.score)
}
