import { and, asc, eq, inArray, sql, TransactionRollbackError } from 'drizzle-orm'
import { z } from 'zod'
import { playbookSchema } from '../../core/playbooks/schema'
import { CodedError } from '../../core/errors'
import { rowsOf, type Database } from '../database'
import { preparedQuery } from '../prepared-query'
import { parseStoredColumn } from '../parse-stored-column'
import type { NewAuditEntry } from './audit'
import { approvalRequests, auditLog, executionInputsSchema, executionSteps, playbookExecutions, stepOutcomeSchema } from '../schema'

/** Loading the files keeps each playbook's versions (playbook-versions.ts). */
export { syncPlaybooks } from './playbook-versions'

export type PlaybookExecution = typeof playbookExecutions.$inferSelect
export type ExecutionStep = typeof executionSteps.$inferSelect
export type ExecutionStatus = PlaybookExecution['status']

/** A run's definition and inputs as read back, checked against their schemas. */
function toExecution(row: PlaybookExecution): PlaybookExecution {
  const where = (column: string) => ({ table: 'playbook_executions', rowId: row.id, column })
  return {
    ...row,
    definition: parseStoredColumn(playbookSchema, row.definition, where('definition')),
    inputs: parseStoredColumn(executionInputsSchema, row.inputs, where('inputs')),
  }
}

// A finished branch is resumed from the position it chose.
const branchOutcomeSchema = stepOutcomeSchema.extend({ goto: z.number().int().min(0) })

/** A step's outcome as read back, checked against its schema. */
function toExecutionStep(row: ExecutionStep): ExecutionStep {
  const schema = row.kind === 'branch' && row.status === 'succeeded' ? branchOutcomeSchema : stepOutcomeSchema
  return { ...row, outcome: parseStoredColumn(schema, row.outcome, { table: 'execution_steps', rowId: row.id, column: 'outcome' }) }
}

export async function createExecution(db: Database, values: typeof playbookExecutions.$inferInsert): Promise<PlaybookExecution> {
  const [row] = await db.insert(playbookExecutions).values(values).returning()
  return toExecution(row!)
}

export async function getExecution(db: Database, id: string): Promise<PlaybookExecution | null> {
  const query = preparedQuery(db, 'execution_by_id', (d) =>
    d
      .select()
      .from(playbookExecutions)
      .where(eq(playbookExecutions.id, sql.placeholder('id'))),
  )
  const [row] = await query.execute({ id })
  return row ? toExecution(row) : null
}

export async function listExecutionsForIncident(db: Database, incidentId: string): Promise<PlaybookExecution[]> {
  const query = preparedQuery(db, 'executions_of_incident', (d) =>
    d
      .select()
      .from(playbookExecutions)
      .where(eq(playbookExecutions.incidentId, sql.placeholder('incidentId')))
      .orderBy(asc(playbookExecutions.createdAt)),
  )
  const rows = await query.execute({ incidentId })
  return rows.map(toExecution)
}

export async function updateExecution(db: Database, id: string, values: Partial<typeof playbookExecutions.$inferInsert>): Promise<PlaybookExecution> {
  const [row] = await db
    .update(playbookExecutions)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(playbookExecutions.id, id))
    .returning()
  if (!row) throw new CodedError('execution_not_found', `playbook execution ${id} does not exist`)
  return toExecution(row)
}

/**
 * Moves a running execution past step `position` only if it is still there, so two
 * workers racing on the same step cannot both advance it, and a cancelled run stays cancelled.
 */
export async function advanceExecution(
  db: Database,
  id: string,
  fromPosition: number,
  status: ExecutionStatus,
  toPosition = fromPosition + 1,
): Promise<boolean> {
  const rows = await db
    .update(playbookExecutions)
    .set({ nextStep: toPosition, status, updatedAt: new Date() })
    .where(and(eq(playbookExecutions.id, id), eq(playbookExecutions.nextStep, fromPosition), eq(playbookExecutions.status, 'running')))
    .returning({ id: playbookExecutions.id })
  return rows.length === 1
}

/**
 * advanceExecution() and the audit entry of the step transition in one statement: the entry is written exactly when
 * the run moved, and a step costs one round trip fewer.
 */
export async function advanceExecutionWithAudit(
  db: Database,
  move: { id: string; fromPosition: number; toPosition: number; status: ExecutionStatus },
  entry: NewAuditEntry,
): Promise<boolean> {
  const rows = rowsOf<{ moved: number }>(
    await db.execute(sql`
      with moved as (
        update ${playbookExecutions} set next_step = ${move.toPosition}, status = ${move.status}, updated_at = now()
        where id = ${move.id} and next_step = ${move.fromPosition} and status = 'running'
        returning id
      ), audited as (
        insert into ${auditLog} (actor, action, incident_id, subject_type, subject_id, details, slack_channel, slack_ts)
        select ${entry.actor}, ${entry.action}, ${entry.incidentId ?? null}::uuid, ${entry.subjectType}, ${entry.subjectId},
          ${JSON.stringify(entry.details ?? {})}::jsonb, ${entry.slackChannel ?? null}, ${entry.slackTs ?? null}
        from moved
        returning id
      )
      select (select count(*) from audited)::int as moved`),
  )
  return rows[0]?.moved === 1
}

export async function getExecutionStep(db: Database, executionId: string, position: number): Promise<ExecutionStep | null> {
  const query = preparedQuery(db, 'execution_step', (d) =>
    d
      .select()
      .from(executionSteps)
      .where(and(eq(executionSteps.executionId, sql.placeholder('executionId')), eq(executionSteps.position, sql.placeholder('position')))),
  )
  const [row] = await query.execute({ executionId, position })
  return row ? toExecutionStep(row) : null
}

export async function listExecutionSteps(db: Database, executionId: string): Promise<ExecutionStep[]> {
  const query = preparedQuery(db, 'execution_steps', (d) =>
    d
      .select()
      .from(executionSteps)
      .where(eq(executionSteps.executionId, sql.placeholder('executionId')))
      .orderBy(asc(executionSteps.position)),
  )
  const rows = await query.execute({ executionId })
  return rows.map(toExecutionStep)
}

/** Records a step's result; a second record of the same position replaces a "waiting" one only. */
export async function recordExecutionStep(
  db: Database,
  values: Omit<typeof executionSteps.$inferInsert, 'id' | 'startedAt'> & { startedAt?: Date },
): Promise<ExecutionStep> {
  const query = preparedQuery(db, 'record_execution_step', (d) =>
    d
      .insert(executionSteps)
      .values({
        executionId: sql.placeholder('executionId'),
        position: sql.placeholder('position'),
        stepId: sql.placeholder('stepId'),
        kind: sql.placeholder('kind'),
        status: sql.placeholder('status'),
        outcome: sql.placeholder('outcome'),
        // Not bound to the columns: their encoder cannot take a null (it calls toISOString).
        finishedAt: sql`${sql.placeholder('finishedAt')}::timestamptz`,
        idempotencyKey: sql.placeholder('idempotencyKey'),
        startedAt: sql`${sql.placeholder('startedAt')}::timestamptz`,
      })
      .onConflictDoUpdate({
        target: [executionSteps.executionId, executionSteps.position],
        // The new values, as given to the insert.
        set: {
          status: sql`excluded.status`,
          outcome: sql`excluded.outcome`,
          finishedAt: sql`excluded.finished_at`,
          idempotencyKey: sql`excluded.idempotency_key`,
        },
        setWhere: sql`${executionSteps.status} = 'waiting'`,
      })
      .returning(),
  )
  const [row] = await query.execute({
    executionId: values.executionId,
    position: values.position,
    stepId: values.stepId,
    kind: values.kind,
    status: values.status,
    outcome: values.outcome ?? {},
    finishedAt: values.finishedAt?.toISOString() ?? null,
    idempotencyKey: values.idempotencyKey ?? null,
    startedAt: (values.startedAt ?? new Date()).toISOString(),
  })
  return row ? toExecutionStep(row) : (await getExecutionStep(db, values.executionId, values.position))!
}

/** Cancels a run that has not finished; its pending approvals expire with it. Null if it had already ended. */
export async function cancelExecution(db: Database, id: string): Promise<PlaybookExecution | null> {
  const row = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(playbookExecutions)
      .set({ status: 'cancelled', updatedAt: new Date() })
      .where(and(eq(playbookExecutions.id, id), inArray(playbookExecutions.status, ['running', 'waiting_approval', 'waiting_manual'])))
      .returning()
    if (!row) return null
    await tx
      .update(approvalRequests)
      .set({ status: 'expired' })
      .where(and(eq(approvalRequests.executionId, id), eq(approvalRequests.status, 'pending')))
    return row
  })
  // Checked once committed: a run whose row no longer parses can still be stopped.
  return row ? toExecution(row) : null
}

/**
 * A person confirmed a manual step: marks it done and lets the run go on, once.
 * False when it was not waiting (double click, cancelled run).
 */
export async function confirmManualStep(db: Database, executionId: string, position: number, userId: string): Promise<boolean> {
  return db
    .transaction(async (tx) => {
      const steps = await tx
        .update(executionSteps)
        .set({ status: 'succeeded', outcome: { confirmedBy: userId }, finishedAt: new Date() })
        .where(
          and(
            eq(executionSteps.executionId, executionId),
            eq(executionSteps.position, position),
            eq(executionSteps.kind, 'manual'),
            eq(executionSteps.status, 'waiting'),
          ),
        )
        .returning({ id: executionSteps.id })
      if (steps.length === 0) return false
      const runs = await tx
        .update(playbookExecutions)
        .set({ status: 'running', updatedAt: new Date() })
        .where(and(eq(playbookExecutions.id, executionId), eq(playbookExecutions.status, 'waiting_manual'), eq(playbookExecutions.nextStep, position)))
        .returning({ id: playbookExecutions.id })
      if (runs.length === 0) tx.rollback()
      return true
    })
    .catch((err) => {
      if (err instanceof TransactionRollbackError) return false
      throw err
    })
}
