export type EvidenceSource = 'history' | 'metrics' | 'logs' | 'errors' | 'traces'

export interface EvidenceItem {
  source: EvidenceSource
  title: string
  detail: string
  /** Deep link to the view in the telemetry provider's console that shows this evidence. */
  link: string | null
  anomalous: boolean
  data: Record<string, unknown>
}
