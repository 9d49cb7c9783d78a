import type { Severity } from '../incidents/types'
import type { WarningAccuracy } from '../warnings/warning-accuracy'

/** What the digest reads from storage (storage/repositories/digest-history.ts): the facts, no figures. */
export interface DigestHistory {
  incidents: DigestIncident[]
  playbookRuns: DigestPlaybookRun[]
  approvals: DigestApproval[]
  followups: DigestFollowup[]
  /** Error-level log templates and Error Reporting groups seen around incidents. */
  errorSightings: DigestErrorSighting[]
  /** How the proactive warnings did in the period and in the one before (core/warnings/warning-accuracy.ts); absent when not read. */
  warnings?: { current: WarningAccuracy; previous: WarningAccuracy }
}

export interface DigestIncident {
  id: string
  number: number
  title: string
  service: string | null
  policyName: string | null
  fingerprint: string
  severity: Severity
  startedAt: Date
  resolvedAt: Date | null
  ttaSeconds: number | null
  ttmSeconds: number | null
  ttrSeconds: number | null
  diagnosisLabel: 'right' | 'partly' | 'wrong' | 'not_sure' | null
  /** The past incident the team said was really the same problem. */
  sameIncidentId: string | null
  resolutionRecordedAt: Date | null
  /** The latest completed analysis: its stated confidence in the diagnosis, and its best past match. */
  confidence: number | null
  topMatchId: string | null
}

export interface DigestPlaybookRun {
  playbookId: string
  title: string
  status: 'running' | 'waiting_approval' | 'waiting_manual' | 'completed' | 'failed' | 'rejected' | 'cancelled'
  startedAt: Date
}

export interface DigestApproval {
  status: 'pending' | 'approved' | 'rejected' | 'expired'
  requestedAt: Date
  decidedAt: Date | null
}

export interface DigestFollowup {
  status: 'open' | 'done'
  owner: string
  text: string
  incidentNumber: number
  /** YYYY-MM-DD, or null when no due date was given. */
  dueOn: string | null
  createdAt: Date
  closedAt: Date | null
}

export interface DigestErrorSighting {
  incidentId: string
  incidentNumber: number
  service: string
  template: string
  errorGroupId: string | null
  incidentStartedAt: Date
}
