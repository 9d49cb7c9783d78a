import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playbook } from '../../src/core/playbooks/schema'
import { rowsOf, type Database } from '../../src/storage/database'
import { loadPlaybookFiles } from '../../src/storage/playbook-files'
import { getAnalysisRecord, startAnalysis } from '../../src/storage/repositories/analyses'
import { createApprovalRequest, getApprovalForStep, getApprovalRequest, listApprovalRequestsForExecution } from '../../src/storage/repositories/approvals'
import { appendAudit, listAuditForIncident } from '../../src/storage/repositories/audit'
import { createIncident, getIncident, listOpenIncidents } from '../../src/storage/repositories/incidents'
import {
  cancelExecution,
  createExecution,
  getExecution,
  getExecutionStep,
  listExecutionSteps,
  listExecutionsForIncident,
  recordExecutionStep,
  syncPlaybooks,
  type PlaybookExecution,
} from '../../src/storage/repositories/playbooks'
import type { StepOutcome } from '../../src/storage/schema'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const catalog = loadPlaybookFiles('test/fixtures/playbooks')
const playbook: Playbook = catalog.find((p) => p.id === 'db-connection-test')!

describe('jsonb columns read back from Postgres through their schemas', () => {
  let t: TestDatabase
  let db: Database
  beforeAll(async () => {
    t = await createTestDatabase()
    db = t.handle.db
    await syncPlaybooks(db, catalog)
  })
  afterAll(async () => t?.drop())

  async function run(): Promise<PlaybookExecution> {
    const title = 'orders-db pool exhausted'
    const incident = await createIncident(db, { fingerprint: `run:${Math.random()}`, source: 'generic', severity: 'high', title, startedAt: new Date() })
    return createExecution(db, {
      playbookId: playbook.id,
      playbookVersion: playbook.version,
      definition: playbook,
      incidentId: incident.id,
      startedBy: 'system',
      inputs: { service: 'orders-db', target: 'orders-db', incident: { number: incident.number, title }, confidence: 0.7, rationale: 'pool', region: 'eu' },
    })
  }
  const finished = (execution: PlaybookExecution, position: number, stepId: string, kind: string, outcome: StepOutcome) =>
    recordExecutionStep(db, { executionId: execution.id, position, stepId, kind, status: 'succeeded', outcome })
  const storedStatus = async (execution: PlaybookExecution) =>
    rowsOf<{ status: string }>(await db.execute(sql`select status from playbook_executions where id = ${execution.id}`))[0]?.status

  describe('a well-formed playbook run', () => {
    it('comes back with its definition, its inputs (extra keys kept) and its step outcomes', async () => {
      const execution = await run()
      await finished(execution, 0, 'check-pool', 'query', { passed: true, value: 97, summary: 'pool at 97%' })
      await finished(execution, 1, 'choose', 'branch', { tested: 'check-pool', passed: true, goto: 3 })

      const read = await getExecution(db, execution.id)
      expect(read?.definition).toEqual(playbook)
      expect(read?.inputs).toMatchObject({ service: 'orders-db', confidence: 0.7, region: 'eu' })
      const outcomes = (await listExecutionSteps(db, execution.id)).map((s) => s.outcome)
      expect(outcomes).toEqual([
        { passed: true, value: 97, summary: 'pool at 97%' },
        { tested: 'check-pool', passed: true, goto: 3 },
      ])
    })

    it('keeps a query value that was not a finite number, which JSON stores as null', async () => {
      const execution = await run()
      await finished(execution, 0, 'check-pool', 'query', { passed: false, value: Number.NaN, summary: 'no data' })
      expect((await getExecutionStep(db, execution.id, 0))?.outcome).toEqual({ passed: false, value: null, summary: 'no data' })
    })
  })

  describe('a playbook run that does not match its schema', () => {
    it('fails to read a run whose definition has an unknown step kind, naming the row and the field', async () => {
      const execution = await run()
      await db.execute(sql`update playbook_executions set definition = jsonb_set(definition, '{steps,0,kind}', '"teleport"') where id = ${execution.id}`)
      const read = getExecution(db, execution.id)
      const where = { table: 'playbook_executions', rowId: execution.id, column: 'definition' }
      await expect(read).rejects.toMatchObject({ code: 'stored_row_invalid', details: where })
      await expect(read).rejects.toThrow(new RegExp(`playbook_executions row ${execution.id} .*definition\\.steps\\.0\\.kind`))
    })

    it('fails to list the runs of an incident when one has inputs of the wrong type', async () => {
      const execution = await run()
      await db.execute(sql`update playbook_executions set inputs = jsonb_set(inputs, '{incident,number}', '"seven"') where id = ${execution.id}`)
      const listed = listExecutionsForIncident(db, execution.incidentId)
      await expect(listed).rejects.toThrow(new RegExp(`playbook_executions row ${execution.id} .*inputs\\.incident\\.number`))
    })

    it('still cancels a corrupt run, then fails to return it, naming the missing field', async () => {
      const execution = await run()
      await db.execute(sql`update playbook_executions set inputs = '{"service": "orders-db"}' where id = ${execution.id}`)
      await expect(cancelExecution(db, execution.id)).rejects.toThrow(/inputs\.target/)
      expect(await storedStatus(execution)).toBe('cancelled')
    })

    it('fails to read a step outcome of the wrong type, naming the row and the field', async () => {
      const execution = await run()
      const [step] = rowsOf<{ id: string }>(
        await db.execute(sql`insert into execution_steps (execution_id, position, step_id, kind, status, outcome)
        values (${execution.id}, 0, 'check-pool', 'query', 'succeeded', '{"passed": "yes"}') returning id`),
      )
      const where = { table: 'execution_steps', rowId: step!.id, column: 'outcome' }
      await expect(getExecutionStep(db, execution.id, 0)).rejects.toMatchObject({ code: 'stored_row_invalid', details: where })
      await expect(listExecutionSteps(db, execution.id)).rejects.toThrow(/execution_steps row .* outcome\.passed/)
    })

    it('fails to read a finished branch that recorded no position to go to', async () => {
      const execution = await run()
      await db.execute(sql`insert into execution_steps (execution_id, position, step_id, kind, status, outcome)
        values (${execution.id}, 1, 'choose', 'branch', 'succeeded', '{"tested": "check-pool", "passed": true}')`)
      await expect(getExecutionStep(db, execution.id, 1)).rejects.toThrow(/outcome\.goto/)
    })
  })

  describe('an incident', () => {
    it('fails to read an incident whose labels are not all strings, naming the row and the label', async () => {
      const fingerprint = `labels:${Math.random()}`
      const incident = await createIncident(db, { fingerprint, source: 'generic', severity: 'high', title: 't', startedAt: new Date(), labels: { zone: 'eu' } })
      expect((await getIncident(db, incident.id))?.labels).toEqual({ zone: 'eu' })
      await db.execute(sql`update incidents set labels = '{"zone": 3}' where id = ${incident.id}`)
      await expect(getIncident(db, incident.id)).rejects.toThrow(`incidents row ${incident.id} does not match its schema: labels.zone: `)
      await expect(listOpenIncidents(db, 1000)).rejects.toMatchObject({ code: 'stored_row_invalid', details: { rowId: incident.id, column: 'labels' } })
    })
  })

  describe('an approval request', () => {
    const request = { type: 'kubernetes' as const, operation: 'rollout-restart' as const, namespace: 'prod', deployment: 'pgbouncer' }
    const action = {
      stepId: 'restart-pooler',
      title: 'Restart pgbouncer',
      preview: 'Restart pgbouncer in front of orders-db',
      risk: 'medium' as const,
      method: 'PATCH',
      url: 'prod/pgbouncer',
      body: {},
      dryRun: 'dry run accepted',
      request,
    }
    const requestFor = async (execution: PlaybookExecution) =>
      createApprovalRequest(db, {
        incidentId: execution.incidentId,
        executionId: execution.id,
        stepPosition: 2,
        action,
        rationale: 'pool',
        confidence: 0.7,
        approvers: [],
        minApprovals: 1,
        requestedBy: 'system',
        expiresAt: new Date(Date.now() + 60 * 60_000),
      })

    it('comes back with the action it was created with, request included', async () => {
      const approval = await requestFor(await run())
      expect((await getApprovalRequest(db, approval.id))?.action).toEqual(action)
    })

    it('fails to read a request whose approved action has an unknown type, naming the row and the field', async () => {
      const execution = await run()
      const approval = await requestFor(execution)
      await db.execute(sql`update approval_requests set action = jsonb_set(action, '{request,type}', '"shell"') where id = ${approval.id}`)
      const where = { table: 'approval_requests', rowId: approval.id, column: 'action' }
      await expect(getApprovalRequest(db, approval.id)).rejects.toMatchObject({ code: 'stored_row_invalid', details: where })
      await expect(getApprovalForStep(db, execution.id, 2)).rejects.toThrow(new RegExp(`approval_requests row ${approval.id} .*action\\.request`))
      await db.execute(sql`update approval_requests set action = action - 'risk' where id = ${approval.id}`)
      await expect(listApprovalRequestsForExecution(db, execution.id)).rejects.toThrow(/action\.risk/)
    })
  })

  describe('the trail of an analysis and the audit log', () => {
    it('fails to read an analysis whose evidence data is not an object, naming the evidence row', async () => {
      const execution = await run()
      const analysis = await startAnalysis(db, execution.incidentId)
      const [item] = rowsOf<{ id: string }>(
        await db.execute(sql`insert into evidence_items (analysis_id, step_position, source, title, detail, data)
        values (${analysis.id}, 0, 'metrics', 'pool', 'pool at 97%', '[97]') returning id`),
      )
      await expect(getAnalysisRecord(db, analysis.id)).rejects.toThrow(`evidence_items row ${item!.id} does not match its schema: data: `)
    })

    it('reads audit details as written, and fails on an entry whose details are not an object', async () => {
      const execution = await run()
      const about = { incidentId: execution.incidentId, subjectType: 'playbook_execution', subjectId: execution.id }
      await appendAudit(db, { actor: 'U1', action: 'playbook.started', ...about, details: { via: '/sre run' } })
      expect((await listAuditForIncident(db, execution.incidentId)).map((a) => a.details)).toEqual([{ via: '/sre run' }])
      await db.execute(sql`insert into audit_log (actor, action, incident_id, subject_type, subject_id, details)
        values ('system', 'playbook.step_finished', ${execution.incidentId}, 'playbook_execution', ${execution.id}, '"done"')`)
      const where = { table: 'audit_log', column: 'details' }
      await expect(listAuditForIncident(db, execution.incidentId)).rejects.toMatchObject({ code: 'stored_row_invalid', details: where })
    })
  })
})
