import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playbook } from '../../src/core/playbooks/schema'
import { rowsOf, type Database } from '../../src/storage/database'
import { loadPlaybookFiles } from '../../src/storage/playbook-files'
import { createIncident } from '../../src/storage/repositories/incidents'
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
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const catalog = loadPlaybookFiles('test/fixtures/playbooks')
const playbook: Playbook = catalog.find((p) => p.id === 'db-connection-test')!

describe('playbook runs read back from Postgres', () => {
  let t: TestDatabase
  let db: Database
  beforeAll(async () => {
    t = await createTestDatabase()
    db = t.handle.db
    await syncPlaybooks(db, catalog)
  })
  afterAll(async () => t?.drop())

  async function run(): Promise<PlaybookExecution> {
    const incident = await createIncident(db, { fingerprint: `run:${Math.random()}`, source: 'generic', severity: 'high', title: 'orders-db pool exhausted', startedAt: new Date() })
    return createExecution(db, {
      playbookId: playbook.id, playbookVersion: playbook.version, definition: playbook, incidentId: incident.id, startedBy: 'system',
      inputs: { service: 'orders-db', target: 'orders-db', incident: { number: incident.number, title: incident.title }, confidence: 0.7, rationale: 'pool', region: 'eu' },
    })
  }

  describe('a well-formed row', () => {
    it('comes back with its definition, its inputs (extra keys kept) and its step outcomes', async () => {
      const execution = await run()
      await recordExecutionStep(db, { executionId: execution.id, position: 0, stepId: 'check-pool', kind: 'query', status: 'succeeded', outcome: { passed: true, value: 97, summary: 'pool at 97%' } })
      await recordExecutionStep(db, { executionId: execution.id, position: 1, stepId: 'choose', kind: 'branch', status: 'succeeded', outcome: { tested: 'check-pool', passed: true, goto: 3 } })

      const read = await getExecution(db, execution.id)
      expect(read?.definition).toEqual(playbook)
      expect(read?.inputs).toMatchObject({ service: 'orders-db', confidence: 0.7, region: 'eu' })
      expect((await listExecutionSteps(db, execution.id)).map((s) => s.outcome)).toEqual([{ passed: true, value: 97, summary: 'pool at 97%' }, { tested: 'check-pool', passed: true, goto: 3 }])
    })

    it('keeps a query value that was not a finite number, which JSON stores as null', async () => {
      const execution = await run()
      await recordExecutionStep(db, { executionId: execution.id, position: 0, stepId: 'check-pool', kind: 'query', status: 'succeeded', outcome: { passed: false, value: Number.NaN, summary: 'no data' } })
      expect((await getExecutionStep(db, execution.id, 0))?.outcome).toEqual({ passed: false, value: null, summary: 'no data' })
    })
  })

  describe('a row that does not match its schema', () => {
    it('fails to read a run whose definition has an unknown step kind, naming the row and the field', async () => {
      const execution = await run()
      await db.execute(sql`update playbook_executions set definition = jsonb_set(definition, '{steps,0,kind}', '"teleport"') where id = ${execution.id}`)
      const read = getExecution(db, execution.id)
      await expect(read).rejects.toMatchObject({ code: 'stored_row_invalid', details: { table: 'playbook_executions', rowId: execution.id, column: 'definition' } })
      await expect(read).rejects.toThrow(new RegExp(`playbook_executions row ${execution.id} .*definition\\.steps\\.0\\.kind`))
    })

    it('fails to list the runs of an incident when one has inputs of the wrong type', async () => {
      const execution = await run()
      await db.execute(sql`update playbook_executions set inputs = jsonb_set(inputs, '{incident,number}', '"seven"') where id = ${execution.id}`)
      await expect(listExecutionsForIncident(db, execution.incidentId)).rejects.toThrow(new RegExp(`playbook_executions row ${execution.id} .*inputs\\.incident\\.number`))
    })

    it('fails to cancel into a corrupt row rather than return it unchecked', async () => {
      const execution = await run()
      await db.execute(sql`update playbook_executions set inputs = '{"service": "orders-db"}' where id = ${execution.id}`)
      await expect(cancelExecution(db, execution.id)).rejects.toThrow(/inputs\.target/)
    })

    it('fails to read a step outcome of the wrong type, naming the row and the field', async () => {
      const execution = await run()
      const [step] = rowsOf(await db.execute(sql`insert into execution_steps (execution_id, position, step_id, kind, status, outcome)
        values (${execution.id}, 0, 'check-pool', 'query', 'succeeded', '{"passed": "yes"}') returning id`))
      await expect(getExecutionStep(db, execution.id, 0)).rejects.toMatchObject({ code: 'stored_row_invalid', details: { table: 'execution_steps', rowId: step!.id, column: 'outcome' } })
      await expect(listExecutionSteps(db, execution.id)).rejects.toThrow(/execution_steps row .* outcome\.passed/)
    })

    it('fails to read a finished branch that recorded no position to go to', async () => {
      const execution = await run()
      await db.execute(sql`insert into execution_steps (execution_id, position, step_id, kind, status, outcome)
        values (${execution.id}, 1, 'choose', 'branch', 'succeeded', '{"tested": "check-pool", "passed": true}')`)
      await expect(getExecutionStep(db, execution.id, 1)).rejects.toThrow(/outcome\.goto/)
    })
  })
})
