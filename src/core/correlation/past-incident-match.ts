/** A past incident as correlation sees it. */
export interface PastIncident {
  id: string
  number: number
  title: string
  service: string | null
  resourceType: string | null
  policyName: string | null
  startedAt: Date
  resolvedAt: Date | null
  rootCause: string | null
  resolution: string | null
  resolutionOutcome: 'worked' | 'failed' | 'unknown' | null
  playbookId: string | null
}

export interface PastIncidentMatch {
  incident: PastIncident
  similarity: number
  /** Which fields matched the current incident, for the "why" shown beside each match. */
  matchedOn: string[]
}

/** Says which structured fields a past incident shares with the current one. */
export function explainMatch(
  current: { service: string | null; resourceType: string | null; policyName: string | null },
  past: PastIncident,
  similarity: number,
): PastIncidentMatch {
  const matchedOn: string[] = [`text similarity ${similarity.toFixed(2)}`]
  if (current.service && current.service === past.service) matchedOn.push('same service')
  if (current.policyName && current.policyName === past.policyName) matchedOn.push('same alert policy')
  if (current.resourceType && current.resourceType === past.resourceType) matchedOn.push('same resource type')
  return { incident: past, similarity, matchedOn }
}
