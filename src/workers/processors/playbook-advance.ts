import { approvalExpiresAt, requiredApprovals } from '../../core/approvals/approval-requirements'
import { AUTO_APPROVER, decideAutoApproval } from '../../core/approvals/auto-approval-policy'
import { withDeadline } from '../../core/deadline'
import { errorMessage, hasErrorCode, PermanentJobError } from '../../core/errors'
import type { PostedMessage, RunThread } from '../../core/incidents/incident-thread'
import { jobIdFor, type JobData } from '../../core/jobs/job-queue'
import { renderActionRequest } from '../../core/playbooks/action-port'
import { isActiveRun } from '../../core/playbooks/active-run'
import { judgeCheck, probeRequestFor, type CheckVerdict } from '../../core/playbooks/endpoint-probe'
import { parseDuration, renderTemplate, renderUrl } from '../../core/playbooks/render-template'
import { runQueryStep } from '../../core/playbooks/run-query-step'
import { BRANCH_END, type ActionStep, type ApprovalStep, type Playbook, type PlaybookStep } from '../../core/playbooks/schema'
import { createApprovalRequest, getApprovalForStep, setApprovalMessage, type ApprovalRequest } from '../../storage/repositories/approvals'
import { appendAudit } from '../../storage/repositories/audit'
import { getIncidentOrThrow, type Incident } from '../../storage/repositories/incidents'
import {
  advanceExecutionWithAudit,
  getExecution,
  getExecutionStep,
  recordExecutionStep,
  updateExecution,
  type ExecutionStep,
  type PlaybookExecution,
} from '../../storage/repositories/playbooks'
import { refreshIncidentRoot } from '../incident-root'
import { JOB_ATTEMPTS } from '../jobs'
import { playbookRunView, refreshProgress } from '../playbook-run-view'
import { requestHomeRefresh } from '../../storage/repositories/home-viewers'
import type { WorkerDeps } from '../worker-deps'

/** What a step tells the runner: go on, wait for a person, stop, or jump to a step index (branch). */
type StepOutcome = 'next' | 'wait' | 'rejected' | 'failed' | number

/** Defaults when a step sets no `timeout`. */
const QUERY_TIMEOUT = '60s'
const CHECK_TIMEOUT = '10s'
const ACTION_TIMEOUT = '2m'

function templateVars(deps: WorkerDeps, execution: PlaybookExecution): Record<string, unknown> {
  // Only allow-listed settings are reachable from playbook text.
  return { ...execution.inputs, env: { AUTOMATION_WEBHOOK_URL: deps.config.AUTOMATION_WEBHOOK_URL ?? '' } }
}

/**
 * Runs the execution's next step and the ones after it up to an action (which gets its own job) or a wait,
 * persisting each result before the next; a retried job runs one step and enqueues the next. Stops at an
 * approval gate until a human decides. A step already recorded is never run again; an action runs under an idempotency key.
 */
export async function processPlaybookAdvance(deps: WorkerDeps, data: JobData<'playbook.advance'>, meta: { attempt: number } = { attempt: 1 }): Promise<void> {
  // One worker at a time per run: whoever holds the lock runs the current step and enqueues the next;
  // a duplicate delivery finds it held and leaves. A holder that dies releases it with its connection.
  const result = await deps.tryWithLock(`playbook-execution:${data.executionId}`, () => advanceOnce(deps, data, meta))
  if (!result.ran) return deps.logger.debug({ execution: data.executionId }, 'run is being advanced by another worker')
  // Queued only once the lock is released, or the next step's job could find it still held.
  if (result.value !== null)
    await deps.queue.enqueue('playbook.advance', { executionId: data.executionId }, { jobId: jobIdFor('advance', data.executionId, result.value) })
}

/**
 * The step's job failed for good (its last attempt, or an error no retry can fix): the run stops
 * as failed, and its progress message, the thread and the root message say so and why.
 */
export async function failPlaybookRun(deps: WorkerDeps, data: JobData<'playbook.advance'>, reason: string): Promise<void> {
  const execution = await getExecution(deps.db, data.executionId)
  if (!execution || !isActiveRun(execution.status)) return
  await updateExecution(deps.db, execution.id, { status: 'failed' })
  const playbook = execution.definition as Playbook
  await appendAudit(deps.db, {
    actor: 'system',
    action: 'playbook.failed',
    incidentId: execution.incidentId,
    subjectType: 'playbook_execution',
    subjectId: execution.id,
    details: { playbook: playbook.id, atStep: execution.nextStep, error: reason },
  })
  const incident = await getIncidentOrThrow(deps.db, execution.incidentId)
  const channel = execution.slackChannel ?? incident.slackChannel
  if (!channel) return
  // Each is tried on its own: a missing channel or message must not keep the others from being said.
  const say = (what: string, show: () => Promise<void>) =>
    show().catch((err: unknown) => deps.logger.warn({ err, execution: execution.id }, `run failure: ${what} not shown`))
  const vars = templateVars(deps, execution)
  if (execution.slackTs) await say('progress', () => refreshProgress(deps, execution.id, { channel, ts: execution.slackTs! }, playbook, vars, incident.number))
  const where: RunThread = { executionId: execution.id, channel, thread: incident.slackTs ?? undefined }
  await say('reason', () => deps.thread.announceRunFailure(where, playbook.title, reason))
  await say('root', () => refreshIncidentRoot(deps, incident.id, { playbookTitle: playbook.title, executionStatus: 'failed' }))
}

/** Steps that run on in the same job as the one before them (a job per step costs more than most steps); an action gets its own job. */
const CHAINED_KINDS = new Set<PlaybookStep['kind']>(['query', 'check', 'branch', 'notify', 'manual', 'approval'])

/** Runs the current step (and the read-only ones after it); returns the position to run next, or null when the run waits or ended. */
async function advanceOnce(deps: WorkerDeps, data: JobData<'playbook.advance'>, meta: { attempt: number }): Promise<number | null> {
  let execution = await getExecution(deps.db, data.executionId)
  if (!execution) throw new PermanentJobError(`playbook execution ${data.executionId} does not exist`)
  const waiting = execution.status === 'waiting_manual' || execution.status === 'waiting_approval'
  if (execution.status !== 'running' && !waiting) return null
  const playbook = execution.definition as Playbook
  const incident = await getIncidentOrThrow(deps.db, execution.incidentId)
  const vars = templateVars(deps, execution)
  const where: RunThread = { executionId: execution.id, channel: execution.slackChannel ?? incident.slackChannel!, thread: incident.slackTs ?? undefined }

  // The progress message is posted once; once its ts is stored, there is nothing to look up.
  const progress = execution.slackTs
    ? { channel: where.channel, ts: execution.slackTs }
    : await deps.thread.startPlaybookProgress(await playbookRunView(deps, execution, playbook, vars, incident.number), where)
  if (!execution.slackTs) await updateExecution(deps.db, execution.id, { slackTs: progress.ts })

  if (waiting) {
    // A retry of the job that set the run waiting: its question may never have reached the thread.
    const step = playbook.steps[execution.nextStep]
    if (step) await askAgain(deps, execution, playbook, step, execution.nextStep, vars, where)
    await refreshProgress(deps, execution.id, progress, playbook, vars, incident.number)
    return null
  }

  for (;;) {
    const position: number = execution.nextStep
    const step = playbook.steps[position]
    if (!step) {
      await finish(deps, execution, 'completed', progress, playbook, vars, incident.number)
      return null
    }
    const recorded: { step?: ExecutionStep } = {}
    const outcome = await runStep(deps, execution, incident, playbook, step, position, vars, where, meta.attempt, recorded)
    if (outcome === 'wait') {
      await refreshProgress(deps, execution.id, progress, playbook, vars, incident.number)
      return null
    }
    if (outcome === 'rejected' || outcome === 'failed') {
      await finish(deps, execution, outcome, progress, playbook, vars, incident.number)
      return null
    }
    const next: number = typeof outcome === 'number' ? outcome : position + 1
    // Every step transition is in the audit log, with the message that shows it: written with the move, in one statement.
    const record = recorded.step ?? (await getExecutionStep(deps.db, execution.id, position))
    const moved = await advanceExecutionWithAudit(
      deps.db,
      { id: execution.id, fromPosition: position, toPosition: next, status: 'running' },
      {
        actor: 'system',
        action: 'playbook.step_finished',
        incidentId: execution.incidentId,
        subjectType: 'playbook_execution',
        subjectId: execution.id,
        details: { step: step.id, kind: step.kind, position, status: record?.status ?? 'succeeded', outcome: record?.outcome ?? {}, next },
        slackChannel: progress.channel,
        slackTs: progress.ts,
      },
    )
    if (!moved) {
      deps.logger.child({ incident: incident.id, execution: execution.id, step: step.id }).info('step already advanced by another worker')
      return null
    }
    // The next step goes on in this job, each one stored before the next, so a crash resumes at the first unstored one;
    // not on a retry, so the step after it gets every attempt of its own.
    const following = playbook.steps[next]
    if (meta.attempt === 1 && (!following || CHAINED_KINDS.has(following.kind))) {
      // What advanceExecution just set; anything else about the run is as read at the start of the job.
      execution = { ...execution, nextStep: next, status: 'running' }
      continue
    }
    await refreshProgress(deps, execution.id, progress, playbook, vars, incident.number)
    return next
  }
}

async function runStep(
  deps: WorkerDeps,
  execution: PlaybookExecution,
  incident: Incident,
  playbook: Playbook,
  step: PlaybookStep,
  position: number,
  vars: Record<string, unknown>,
  where: RunThread,
  attempt: number,
  recorded: { step?: ExecutionStep },
): Promise<StepOutcome> {
  const done = await getExecutionStep(deps.db, execution.id, position)
  if (done && done.status !== 'waiting') {
    if (step.kind === 'branch') return Number((done.outcome as { goto: number }).goto)
    if (done.status !== 'failed' || step.kind === 'query' || step.kind === 'check') return 'next'
    return step.kind === 'approval' ? 'rejected' : 'failed'
  }
  const title = renderTemplate(step.title, vars)
  const record = async (status: 'succeeded' | 'failed', outcome: Record<string, unknown>) => {
    recorded.step = await recordExecutionStep(deps.db, {
      executionId: execution.id,
      position,
      stepId: step.id,
      kind: step.kind,
      status,
      outcome,
      finishedAt: deps.now(),
    })
  }

  switch (step.kind) {
    case 'query': {
      let result: Awaited<ReturnType<typeof runQueryStep>>
      try {
        result = await withDeadline(
          runQueryStep(step, { telemetry: deps.telemetry, service: String(vars.service), startedAt: incident.startedAt, now: deps.now(), vars }),
          parseDuration(step.timeout ?? QUERY_TIMEOUT),
          `step "${step.id}"`,
        )
      } catch (err) {
        // Read-only steps retry with the job's backoff; after the last try the run goes on without this evidence.
        const invalid = hasErrorCode(err, 'telemetry_query_invalid')
        if (!invalid && attempt < JOB_ATTEMPTS) throw err
        const reason = errorMessage(err)
        await record('failed', { passed: false, error: reason })
        await deps.thread.postStepResult(where, position, title, { flagged: false, summary: `could not run: ${reason}`, detail: '', link: null })
        return 'next'
      }
      // Stored as `passed` (branches test it): whether the query's condition held, i.e. the symptom was found.
      const conditionHeld = result.passed
      const { detail, link } = result.evidence
      await record('succeeded', { passed: conditionHeld, value: result.value, summary: result.summary, link })
      await deps.thread.postStepResult(where, position, title, { flagged: conditionHeld, summary: result.summary, detail, link })
      return 'next'
    }
    case 'notify': {
      await deps.thread.notify(where, position, renderTemplate(step.message, vars), incident.number, step.to ?? [])
      await record('succeeded', {})
      return 'next'
    }
    case 'check': {
      let verdict: CheckVerdict
      const url = renderUrl(step.url, vars)
      try {
        const response = await deps.probe.probe(probeRequestFor(step, url, parseDuration(step.timeout ?? CHECK_TIMEOUT)))
        verdict = judgeCheck(step, url, response)
      } catch (err) {
        if (attempt < JOB_ATTEMPTS) throw err
        verdict = { healthy: false, summary: `could not reach it: ${errorMessage(err)}` }
      }
      // Stored as `passed` (branches test it): whether the endpoint is healthy; an unhealthy one is what the thread flags.
      await record('succeeded', { passed: verdict.healthy, summary: verdict.summary })
      await deps.thread.postStepResult(where, position, title, { flagged: !verdict.healthy, summary: verdict.summary, detail: '', link: null })
      return 'next'
    }
    case 'branch': {
      const tested = playbook.steps.findIndex((s) => s.id === step.if.step)
      const testedRecord = await getExecutionStep(deps.db, execution.id, tested)
      const testedStepPassed = Boolean((testedRecord?.outcome as { passed?: boolean } | undefined)?.passed)
      const chosen = testedStepPassed === step.if.passed ? step.then : step.else
      const target = chosen === BRANCH_END ? playbook.steps.length : playbook.steps.findIndex((s) => s.id === chosen)
      await record('succeeded', { tested: step.if.step, passed: testedStepPassed, goto: target })
      return target
    }
    case 'manual': {
      await recordExecutionStep(deps.db, { executionId: execution.id, position, stepId: step.id, kind: step.kind, status: 'waiting', outcome: {} })
      await updateExecution(deps.db, execution.id, { status: 'waiting_manual' })
      await deps.thread.askManualStep(where, position, title, renderTemplate(step.instruction, vars))
      return 'wait'
    }
    case 'approval':
      return runApprovalGate(deps, execution, playbook, step, position, vars, where)
    case 'action':
      return runAction(deps, execution, playbook, step, position, vars, where)
  }
}

async function runApprovalGate(
  deps: WorkerDeps,
  execution: PlaybookExecution,
  playbook: Playbook,
  step: ApprovalStep,
  position: number,
  vars: Record<string, unknown>,
  where: RunThread,
): Promise<'next' | 'wait' | 'rejected' | 'failed'> {
  const action = playbook.steps.find((s): s is ActionStep => s.id === step.for && s.kind === 'action')!
  const now = deps.now()
  let approval = await getApprovalForStep(deps.db, execution.id, position)
  const created = !approval
  if (!approval) {
    const request = renderActionRequest(action.action, vars)
    // The dry run makes the request exact; if it fails, approvers see why and the action cannot run as previewed.
    const preview = await deps.actions.preview(request).catch((err: Error) => ({
      method: request.type === 'webhook' ? request.method : 'PATCH',
      target: request.type === 'webhook' ? request.url : `${request.namespace}/${request.deployment}`,
      body: {},
      summary: `dry run failed: ${err.message}`,
      request: null,
    }))
    const auto = preview.request
      ? decideAutoApproval(step, action, execution.inputs.confidence, {
          maxRisk: deps.config.AUTO_APPROVE_MAX_RISK,
          minConfidence: deps.config.AUTO_APPROVE_MIN_CONFIDENCE,
        })
      : { auto: false, reason: preview.summary }
    approval = await createApprovalRequest(deps.db, {
      incidentId: execution.incidentId,
      executionId: execution.id,
      stepPosition: position,
      action: {
        stepId: action.id,
        title: renderTemplate(action.title, vars),
        preview: renderTemplate(action.preview, vars),
        risk: action.risk,
        method: preview.method,
        url: preview.target,
        body: preview.body,
        dryRun: preview.summary,
        ...(preview.request ? { request: preview.request } : {}),
      },
      rationale: String(execution.inputs.rationale || playbook.description),
      confidence: execution.inputs.confidence,
      approvers: step.approvers ?? deps.config.APPROVERS,
      minApprovals: requiredApprovals(step.minApprovals, action.risk),
      requestedBy: execution.startedBy,
      expiresAt: approvalExpiresAt(now, parseDuration(step.expiresIn), deps.config.APPROVAL_TTL_MINUTES),
      ...(auto.auto ? { status: 'approved' as const, decidedBy: AUTO_APPROVER, decidedAt: now } : {}),
    })
    await appendAudit(deps.db, {
      actor: auto.auto ? AUTO_APPROVER : 'system',
      action: auto.auto ? 'approval.auto_approved' : 'approval.requested',
      incidentId: execution.incidentId,
      subjectType: 'approval_request',
      subjectId: approval.id,
      details: { playbook: playbook.id, step: step.id, action: approval.action, policy: auto.reason },
    })
  }
  if (approval.status !== 'pending') {
    if (approval.decidedBy === AUTO_APPROVER) {
      const posted = await deps.thread.askApproval({ ...approval, approvedBy: [] }, where)
      await setApprovalMessage(deps.db, approval.id, posted.channel, posted.ts)
    }
    const status = approval.status === 'approved' ? 'succeeded' : 'failed'
    await recordExecutionStep(deps.db, {
      executionId: execution.id,
      position,
      stepId: step.id,
      kind: step.kind,
      status,
      outcome: { decision: approval.status, by: approval.decidedBy },
      finishedAt: deps.now(),
    })
    return approval.status === 'approved' ? 'next' : 'rejected'
  }
  if (!created && approval.slackTs) return 'wait'
  // First time here, or a retry after a crash part-way: each of these is safe to repeat.
  await recordExecutionStep(deps.db, {
    executionId: execution.id,
    position,
    stepId: step.id,
    kind: step.kind,
    status: 'waiting',
    outcome: { approvalId: approval.id },
  })
  await updateExecution(deps.db, execution.id, { status: 'waiting_approval' })
  await askForApproval(deps, execution, playbook, approval, where)
  return 'wait'
}

/** Posts the request (once per approval), remembers where, and schedules its expiry. */
async function askForApproval(deps: WorkerDeps, execution: PlaybookExecution, playbook: Playbook, approval: ApprovalRequest, where: RunThread): Promise<void> {
  const posted = await deps.thread.askApproval({ ...approval, approvedBy: [] }, where)
  await setApprovalMessage(deps.db, approval.id, posted.channel, posted.ts)
  // Now that the request has a message to link to, it shows on its approvers' Home tabs.
  await requestHomeRefresh(deps)
  const delayMs = Math.max(0, approval.expiresAt.getTime() - deps.now().getTime())
  await deps.queue.enqueue('approval.expire', { approvalId: approval.id }, { jobId: jobIdFor('expire', approval.id), delayMs })
  await refreshIncidentRoot(deps, execution.incidentId, { playbookTitle: playbook.title, executionStatus: 'waiting_approval' })
}

/**
 * The run already waits on this step, so a retry asks its question again: the post is keyed, so
 * it appears once, whether or not the first try got through. Nothing is recorded or created again.
 */
async function askAgain(
  deps: WorkerDeps,
  execution: PlaybookExecution,
  playbook: Playbook,
  step: PlaybookStep,
  position: number,
  vars: Record<string, unknown>,
  where: RunThread,
): Promise<void> {
  if ((await getExecutionStep(deps.db, execution.id, position))?.status !== 'waiting') return
  if (step.kind === 'manual' && execution.status === 'waiting_manual') {
    await deps.thread.askManualStep(where, position, renderTemplate(step.title, vars), renderTemplate(step.instruction, vars))
  }
  if (step.kind === 'approval' && execution.status === 'waiting_approval') {
    const approval = await getApprovalForStep(deps.db, execution.id, position)
    if (approval?.status === 'pending' && !approval.slackTs) await askForApproval(deps, execution, playbook, approval, where)
  }
}

async function runAction(
  deps: WorkerDeps,
  execution: PlaybookExecution,
  playbook: Playbook,
  step: ActionStep,
  position: number,
  vars: Record<string, unknown>,
  where: RunThread,
): Promise<'next' | 'failed'> {
  // The gate must have been approved: never act on anything else.
  const gatePosition = playbook.steps.findIndex((s) => s.kind === 'approval' && s.for === step.id)
  const gate = await getApprovalForStep(deps.db, execution.id, gatePosition)
  if (gate?.status !== 'approved') throw new PermanentJobError(`action ${step.id} reached without an approved gate`)
  const idempotencyKey = `${execution.id}:${step.id}`
  // Recorded before the call: a crash after it re-sends the same key, which the automation de-duplicates.
  await recordExecutionStep(deps.db, {
    executionId: execution.id,
    position,
    stepId: step.id,
    kind: step.kind,
    status: 'waiting',
    idempotencyKey,
    outcome: { started: true },
  })
  // What runs is what was approved; an approval whose dry run failed carries no request and runs nothing.
  const request = gate.action.request
  let ok = false
  let detail = `not run: the approved action has no runnable request (${gate.action.dryRun ?? 'no dry run'})`
  if (request) {
    try {
      const result = await deps.actions.execute(request, { idempotencyKey, timeoutMs: parseDuration(step.timeout ?? ACTION_TIMEOUT) })
      ok = result.ok
      detail = result.detail
    } catch (err) {
      // Not retried: the automation may have run it; a re-run must be a human's choice.
      const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${step.timeout ?? ACTION_TIMEOUT}` : errorMessage(err)
      detail = `${reason}; it may or may not have run (Idempotency-Key ${idempotencyKey})`
    }
  }
  await recordExecutionStep(deps.db, {
    executionId: execution.id,
    position,
    stepId: step.id,
    kind: step.kind,
    status: ok ? 'succeeded' : 'failed',
    idempotencyKey,
    outcome: { detail },
    finishedAt: deps.now(),
  })
  await appendAudit(deps.db, {
    actor: gate.decidedBy ?? 'system',
    action: ok ? 'action.executed' : 'action.failed',
    incidentId: execution.incidentId,
    subjectType: 'playbook_execution',
    subjectId: execution.id,
    details: { step: step.id, idempotencyKey, request, detail, approvedBy: gate.decidedBy },
  })
  await deps.thread.postActionResult(where, position, renderTemplate(step.title, vars), ok, detail)
  return ok ? 'next' : 'failed'
}

async function finish(
  deps: WorkerDeps,
  execution: PlaybookExecution,
  status: 'completed' | 'rejected' | 'failed',
  progress: PostedMessage,
  playbook: Playbook,
  vars: Record<string, unknown>,
  incidentNumber: number,
) {
  await updateExecution(deps.db, execution.id, { status })
  await appendAudit(deps.db, {
    actor: 'system',
    action: `playbook.${status}`,
    incidentId: execution.incidentId,
    subjectType: 'playbook_execution',
    subjectId: execution.id,
    details: { playbook: playbook.id },
  })
  await refreshProgress(deps, execution.id, progress, playbook, vars, incidentNumber)
  await refreshIncidentRoot(deps, execution.incidentId, { playbookTitle: playbook.title, executionStatus: status })
}
