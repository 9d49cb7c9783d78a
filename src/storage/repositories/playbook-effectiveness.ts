import { and, asc, desc, eq, inArray, isNotNull, or, sql, type SQL } from 'drizzle-orm'
import type { ComparableIncident, PlaybookHistory, RecordedOutcome, RunRecord, StepRecord } from '../../core/playbooks/playbook-effectiveness'
import { type HandRunLogQuery, handRunLogQueriesIn } from '../../core/playbooks/hand-run-queries'
import type { Playbook } from '../../core/playbooks/schema'
import type { Database } from '../database'
import { approvalRequests, executionSteps, incidentEvents, incidents, playbookExecutions, playbooks } from '../schema'

/** The figures are over the most recent runs, and compared with the most recent incidents without the playbook. */
export const HISTORY_MAX_RUNS = 5_000
export const HISTORY_MAX_COMPARABLES = 5_000

/**
 * Everything the effectiveness figures are computed from, in five queries whatever the number of playbooks or runs:
 * the catalogue, the runs with their incidents, their steps, their approvals, and incidents to compare with.
 * With `playbookId`, only that playbook's runs (and incidents like theirs).
 */
export async function loadPlaybookHistory(db: Database, options: { playbookId?: string } = {}): Promise<PlaybookHistory> {
  const only = options.playbookId
  // The playbook whose action fixed it: the one recorded, else the latest run on the incident whose action succeeded.
  // `incidents.id` is written out: drizzle leaves a column of a single-table select unqualified, which would bind to e2.id.
  // Driven by the incident's runs (indexed by incident), each probed for a succeeded action through the steps' key.
  const actedPlaybook = sql<string | null>`(
    select e2.playbook_id from playbook_executions e2
    where e2.incident_id = incidents.id
      and exists (select 1 from execution_steps s2 where s2.execution_id = e2.id and s2.kind = 'action' and s2.status = 'succeeded')
    order by e2.created_at desc limit 1)`
  const [catalogue, newestFirst] = await Promise.all([
    db
      .select({ id: playbooks.id, title: playbooks.title, version: playbooks.version, definition: playbooks.definition })
      .from(playbooks)
      .where(only ? eq(playbooks.id, only) : undefined)
      .orderBy(asc(playbooks.id)),
    db
      .select({
        executionId: playbookExecutions.id,
        playbookId: playbookExecutions.playbookId,
        playbookVersion: playbookExecutions.playbookVersion,
        definition: playbookExecutions.definition,
        status: playbookExecutions.status,
        startedAt: playbookExecutions.createdAt,
        incidentId: incidents.id,
        number: incidents.number,
        service: incidents.service,
        policyName: incidents.policyName,
        errorSignature: incidents.errorSignature,
        fixedByPlaybookId: sql<string | null>`coalesce(${incidents.playbookId}, ${actedPlaybook})`,
        outcome: incidents.resolutionOutcome,
        resolutionRecordedAt: incidents.resolutionRecordedAt,
        ttmSeconds: incidents.ttmSeconds,
      })
      .from(playbookExecutions)
      .innerJoin(incidents, eq(incidents.id, playbookExecutions.incidentId))
      .where(only ? eq(playbookExecutions.playbookId, only) : undefined)
      .orderBy(desc(playbookExecutions.createdAt))
      .limit(HISTORY_MAX_RUNS),
  ])
  const rows = newestFirst.toReversed()
  const ids = rows.map((r) => r.executionId)
  const like = (values: Array<string | null>, column: typeof incidents.service | typeof incidents.policyName | typeof incidents.errorSignature) => {
    const distinct = [...new Set(values.filter((v) => v !== null))]
    return distinct.length ? inArray(column, distinct) : undefined
  }
  const similar = [
    like(
      rows.map((r) => r.service),
      incidents.service,
    ),
    like(
      rows.map((r) => r.policyName),
      incidents.policyName,
    ),
    like(
      rows.map((r) => r.errorSignature),
      incidents.errorSignature,
    ),
  ].filter((c): c is SQL => c !== undefined)
  const [steps, approvals, comparables] = await Promise.all([
    ids.length
      ? db
          .select({
            executionId: executionSteps.executionId,
            position: executionSteps.position,
            stepId: executionSteps.stepId,
            kind: executionSteps.kind,
            status: executionSteps.status,
            outcome: executionSteps.outcome,
            startedAt: executionSteps.startedAt,
            finishedAt: executionSteps.finishedAt,
          })
          .from(executionSteps)
          .where(inArray(executionSteps.executionId, ids))
      : Promise.resolve([]),
    ids.length
      ? db
          .select({
            executionId: approvalRequests.executionId,
            stepPosition: approvalRequests.stepPosition,
            status: approvalRequests.status,
            decidedBy: approvalRequests.decidedBy,
            requestedAt: approvalRequests.createdAt,
            decidedAt: approvalRequests.decidedAt,
          })
          .from(approvalRequests)
          .where(inArray(approvalRequests.executionId, ids))
      : Promise.resolve([]),
    similar.length
      ? db
          .select({
            id: incidents.id,
            service: incidents.service,
            policyName: incidents.policyName,
            errorSignature: incidents.errorSignature,
            ttmSeconds: incidents.ttmSeconds,
            playbookIds: sql<string[]>`coalesce((select array_agg(distinct e3.playbook_id) from playbook_executions e3
              where e3.incident_id = incidents.id), '{}')`,
          })
          .from(incidents)
          .where(and(isNotNull(incidents.ttmSeconds), or(...similar)))
          .orderBy(desc(incidents.startedAt))
          .limit(HISTORY_MAX_COMPARABLES)
      : Promise.resolve([]),
  ])
  const stepsOf = group(steps, (s) => s.executionId)
  const approvalsOf = group(approvals, (a) => a.executionId ?? '')
  const runs: RunRecord[] = rows.map((r) => ({
    executionId: r.executionId,
    playbookId: r.playbookId,
    playbookVersion: r.playbookVersion,
    definition: r.definition as Playbook,
    status: r.status,
    startedAt: r.startedAt,
    incident: {
      id: r.incidentId,
      number: r.number,
      service: r.service,
      policyName: r.policyName,
      errorSignature: r.errorSignature,
      fixedByPlaybookId: r.fixedByPlaybookId,
      outcome: r.outcome as RecordedOutcome | null,
      resolutionRecorded: r.resolutionRecordedAt !== null,
      ttmSeconds: r.ttmSeconds,
    },
    steps: (stepsOf.get(r.executionId) ?? []).map(
      (s): StepRecord => ({
        position: s.position,
        stepId: s.stepId,
        kind: s.kind,
        status: s.status,
        outcome: s.outcome as StepRecord['outcome'],
        startedAt: s.startedAt,
        finishedAt: s.finishedAt,
      }),
    ),
    approvals: (approvalsOf.get(r.executionId) ?? []).map((a) => ({
      stepPosition: a.stepPosition,
      status: a.status,
      decidedBy: a.decidedBy,
      requestedAt: a.requestedAt,
      decidedAt: a.decidedAt,
    })),
  }))
  return {
    playbooks: catalogue.map((p) => ({ ...p, definition: p.definition as Playbook })),
    runs,
    comparables: comparables.map((c): ComparableIncident => ({ ...c, ttmSeconds: c.ttmSeconds!, playbookIds: c.playbookIds ?? [] })),
  }
}

function group<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const row of rows) {
    const k = key(row)
    const list = out.get(k)
    if (list) list.push(row)
    else out.set(k, [row])
  }
  return out
}

/**
 * Log queries responders ran by hand (Logs Explorer links in messages pinned to the timeline) in the incidents the
 * playbook's `version` ran on: what an `add-query` suggestion is made of. One query over those incidents' pins.
 */
export async function loadHandRunLogQueries(db: Database, history: PlaybookHistory, playbookId: string, version: number): Promise<HandRunLogQuery[]> {
  const incidentIds = [...new Set(history.runs.filter((r) => r.playbookId === playbookId && r.playbookVersion === version).map((r) => r.incident.id))]
  if (incidentIds.length === 0) return []
  const pins = await db
    .select({ incidentId: incidentEvents.incidentId, text: incidentEvents.text })
    .from(incidentEvents)
    .where(and(inArray(incidentEvents.incidentId, incidentIds), eq(incidentEvents.kind, 'pinned_message')))
  return pins.flatMap((pin) => handRunLogQueriesIn(pin.text).map((q) => ({ incidentId: pin.incidentId, ...q })))
}
