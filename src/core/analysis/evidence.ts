export type EvidenceSource = 'history' | 'metrics' | 'logs' | 'errors' | 'traces'

export interface EvidenceItem {
  source: EvidenceSource
  title: string
  detail: string
  /** Deep link to the Cloud console view that shows this evidence. */
  link: string | null
  anomalous: boolean
  data: Record<string, unknown>
}
