/** Turns incident text into vectors for similarity search. Gemini in production, local offline. */
export interface Embedder {
  readonly name: string
  readonly dimensions: number
  /** How much its nearest neighbours count in rank fusion beside BM25's list (1, the default, is equal). */
  readonly rankingWeight?: number
  embed(texts: string[]): Promise<number[][]>
}

/** The text of an incident that its embedding is computed from. */
export function incidentEmbeddingText(incident: {
  title: string
  summary?: string | null
  service?: string | null
  resourceType?: string | null
  policyName?: string | null
}): string {
  return [incident.service, incident.title, incident.policyName, incident.resourceType, incident.summary]
    .filter((s): s is string => Boolean(s?.trim()))
    .join('\n')
}
