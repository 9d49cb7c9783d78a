import type { EvidenceItem } from '../analysis/evidence'

/** One step of the trail: what was asked, of which data, what was decided, what was ruled out. */
export interface ReasoningStep {
  position: number
  question: string
  query: string
  decision: string
  discarded: Array<{ hypothesis: string; reason: string }>
  evidence: EvidenceItem[]
}
