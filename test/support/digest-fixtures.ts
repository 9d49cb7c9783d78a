import type { DigestIncident } from '../../src/core/digest/digest-history'
import type { WarningAccuracy } from '../../src/core/warnings/warning-accuracy'

/** An incident of the digest's history: `incident <number>`, severity high, with no service, times, label or confidence unless given. */
export function digestIncident(over: Partial<DigestIncident> & Pick<DigestIncident, 'id' | 'number' | 'fingerprint' | 'startedAt'>): DigestIncident {
  return {
    title: `incident ${over.number}`,
    service: null,
    policyName: null,
    severity: 'high',
    resolvedAt: null,
    ttaSeconds: null,
    ttmSeconds: null,
    ttrSeconds: null,
    diagnosisLabel: null,
    sameIncidentId: null,
    resolutionRecordedAt: null,
    confidence: null,
    topMatchId: null,
    ...over,
  }
}

/** The proactive warnings' accuracy over `since`–`until`: none posted, none read, unless given. */
export function warningAccuracy(since: Date, until: Date, over: Partial<WarningAccuracy> = {}): WarningAccuracy {
  return {
    since,
    until,
    warnings: 0,
    confirmed: 0,
    falseAlarms: 0,
    open: 0,
    precision: null,
    incidents: 0,
    forewarned: 0,
    recall: null,
    medianLeadMinutes: null,
    falseAlarmsByService: [],
    marks: { useful: 0, notUseful: 0 },
    forewarnings: [],
    ...over,
  }
}
