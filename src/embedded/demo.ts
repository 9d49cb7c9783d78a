import { performance } from 'node:perf_hooks'
import { and, eq } from 'drizzle-orm'
import { HOUR_MS, MINUTE_MS } from '../core/durations'
import { seedPastIncidents } from '../storage/seed/seed-past-incidents'
import { utcTime } from '../core/analysis/scan/metric-warnings'
import { incidentLabel } from '../core/incidents/incident-label'
import { CAPACITY_FLEET, createDemoFleet, DEFAULT_SYNTHETIC_SEED } from '../integrations/telemetry/synthetic'
import { ANALYSIS_SECTION_ACTION_ID } from '../slack/blocks/analysis-summary-blocks'
import { APPROVE_ACTION_ID } from '../slack/blocks/approval-blocks'
import { NO_SAME_INCIDENT, RESOLVE_ACTION_ID, RESOLVE_BLOCK } from '../slack/blocks/resolution-blocks'
import { listLabelledConfidence } from '../storage/repositories/analyses'
import { listAuditForIncident } from '../storage/repositories/audit'
import { latestDigest } from '../storage/repositories/digest-history'
import { digestToText } from '../core/digest/digest-text'
import { getIncidentByNumber, listOpenIncidents } from '../storage/repositories/incidents'
import { listExecutionsForIncident } from '../storage/repositories/playbooks'
import { auditLog } from '../storage/schema'
import { CHECKOUT_CHANNEL, DEMO_USERS, startEmbeddedEnvironment, WARNINGS_CHANNEL, type EmbeddedEnvironment } from './embedded-environment'
import { FAKE_WORKSPACE, renderBlocksAsText, renderTranscript, viewInput, viewState } from './slack-simulator'

/** The fixes for scenarios 1 and 2 are out this long after the demo starts. */
const MITIGATED_AFTER_MS = HOUR_MS
/** Scenario 4's leak starts this long after the demo starts: the scan's 4 hours of history hold no trace of the first two. */
const LEAK_STARTS_AFTER_MS = 6 * HOUR_MS
/** The first scan runs this long into the leak: memory has climbed enough for a forecast. */
const FIRST_SCAN_AFTER_LEAK_MS = 15 * MINUTE_MS

/** Where the demo prints: a line, and a ruled title per scenario. */
interface DemoOutput {
  (line?: string): void
  rule(title: string): void
}

function demoOutput(stream: NodeJS.WritableStream): DemoOutput {
  const out = ((line = '') => void stream.write(`${line}\n`)) as DemoOutput
  out.rule = (title) => out(`\n${'═'.repeat(8)} ${title} ${'═'.repeat(Math.max(4, 70 - title.length))}`)
  return out
}

/** The demo's clock: real time until a scenario moves it forward (the synthetic fleet answers for any time). */
class DemoClock {
  private offsetMs = 0
  readonly now = () => new Date(Date.now() + this.offsetMs)
  advanceTo(at: Date): void {
    this.offsetMs = at.getTime() - Date.now()
  }
}

class DemoExpectationFailed extends Error {}
function expectThat(condition: unknown, what: string): void {
  if (!condition) throw new DemoExpectationFailed(`demo expectation failed: ${what}`)
}

/** A Cloud Monitoring (incident payload 1.2) notification as the webhook channel sends it. */
export function buildPaymentLatencyAlert(now: Date) {
  const startedAt = Math.floor(now.getTime() / 1000) - 20 * 60
  return {
    version: '1.2',
    incident: {
      incident_id: `0.demo${startedAt}`,
      scoping_project_id: 'demo-project',
      scoping_project_number: 123456789012,
      url: 'https://console.cloud.google.com/monitoring/alerting/incidents/0.demo?project=demo-project',
      started_at: startedAt,
      ended_at: null,
      state: 'open',
      summary: 'p95 latency of payment-api is above the threshold of 2 s (currently 3.4 s).',
      apigee_url: '',
      observed_value: '3.4',
      resource: {
        type: 'k8s_container',
        labels: { project_id: 'demo-project', location: 'europe-west1', cluster_name: 'prod-eu', namespace_name: 'payments', container_name: 'payment-api' },
      },
      resource_type_display_name: 'Kubernetes Container',
      resource_id: '',
      resource_display_name: 'payment-api',
      resource_name: 'projects/demo-project/locations/europe-west1/clusters/prod-eu/namespaces/payments/containers/payment-api',
      metric: { type: 'prometheus.googleapis.com/http_server_request_duration_seconds/histogram', displayName: 'HTTP request duration p95', labels: {} },
      metadata: { system_labels: {}, user_labels: { service: 'payment-api', team: 'payments' } },
      policy_name: 'payment-api p95 latency > 2 s',
      policy_user_labels: { service: 'payment-api' },
      documentation: {
        content: 'Check the payment-api dashboards and dependencies.',
        mime_type: 'text/markdown',
        subject: 'payment-api p95 latency > 2 s',
        links: [],
      },
      condition: { name: 'projects/demo-project/alertPolicies/1/conditions/1', displayName: 'p95 latency above 2 s for 5 min' },
      condition_name: 'p95 latency above 2 s for 5 min',
      threshold_value: '2',
      severity: 'Critical',
    },
  }
}

async function scenarioCorrelation(env: EmbeddedEnvironment, out: DemoOutput): Promise<void> {
  out.rule('Scenario 1: past-incident correlation')
  out('A Cloud Monitoring alert "payment-api p95 latency > 2 s" arrives at POST /alerts/gcp …')
  const res = await fetch(`${env.baseUrl}/alerts/gcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.alertToken}` },
    body: JSON.stringify(buildPaymentLatencyAlert(env.runtime.deps.now())),
  })
  const body = (await res.json()) as { results: Array<{ incident: { number: number } | null; outcome: string }> }
  out(`→ HTTP ${res.status}: ${body.results.map((r) => `${r.outcome} ${r.incident ? `INC-${r.incident.number}` : ''}`).join(', ')}`)
  expectThat(res.status === 202, 'alert accepted with 202')
  await env.idle()

  const incident = await getIncidentByNumber(env.runtime.database.db, body.results[0]!.incident!.number)
  expectThat(incident?.slackTs, 'root message posted')
  const thread = () => env.fakeSlack.thread(FAKE_WORKSPACE.channelId, incident!.slackTs!)
  // The root, the analysis, the other playbooks that apply, the run's progress (its step findings folded in) and the approval request.
  expectThat(thread().length === 5, `a compact thread of five messages (got ${thread().length})`)
  const analysis = thread().find((m) => m.text?.startsWith('Assessment:'))
  expectThat(analysis, 'one analysis message with the assessment and its confidence')
  expectThat(/Closest past incident.*INC-\d+/.test(JSON.stringify(analysis!.blocks)), 'the analysis names the closest past incident')
  const progress = thread().find((m) => m.text?.startsWith('Playbook '))
  expectThat(/p95 = [\d.]+ s/.test(JSON.stringify(progress?.blocks ?? [])), "the run's progress message says what its first step found")

  out(`${DEMO_USERS.approver.name} clicks Evidence and Similar incidents on the analysis message …`)
  for (const section of ['evidence', 'similar'] as const) {
    await env.sender.blockAction({
      actionId: `${ANALYSIS_SECTION_ACTION_ID}:${section}`,
      userId: DEMO_USERS.approver.id,
      userName: DEMO_USERS.approver.name,
      messageTs: analysis!.ts,
      channelId: FAKE_WORKSPACE.channelId,
    })
  }
  // The clicks are acked at once; the sections follow as soon as they are read back from storage.
  const posted = (text: RegExp) =>
    env.fakeSlack
      .waitForMessage(FAKE_WORKSPACE.channelId, (m) => m.threadTs === incident!.slackTs && text.test(m.text ?? ''), { timeoutMs: 10_000 })
      .catch(() => null)
  // The evidence's last part (it is split when long): all of it is in the thread then.
  expectThat(await posted(/^Evidence: \d+ items(?: \(part (\d+) of \1\))?$/), 'the evidence posted in the thread on request')
  expectThat(await posted(/^Similar incidents: INC-/), 'the similar incidents posted in the thread on request')
  await expectSameErrorAsEarlierFraudCheckIncidents(env, JSON.stringify(thread().map((m) => m.blocks ?? [])))
  const approvalMessage = thread().find((m) => JSON.stringify(m.blocks ?? []).includes(APPROVE_ACTION_ID))
  expectThat(approvalMessage, 'an approval request with buttons in the thread')

  out(`\n${DEMO_USERS.other.name} (not an approver) clicks Approve …`)
  await env.sender.blockAction({
    actionId: APPROVE_ACTION_ID,
    userId: DEMO_USERS.other.id,
    userName: DEMO_USERS.other.name,
    messageTs: approvalMessage!.ts,
    channelId: FAKE_WORKSPACE.channelId,
    threadTs: incident!.slackTs!,
  })
  // A click is acked before it is handled: wait for its answer, not only for the jobs it queues.
  const answered = (user: string) => env.fakeSlack.waitForCall('chat.postEphemeral', (c) => c.args.user === user, { timeoutMs: 10_000 }).catch(() => null)
  await answered(DEMO_USERS.other.id)
  out(`${DEMO_USERS.approver.name} (on-call approver) clicks Approve — twice, as people do …`)
  const clicks = await Promise.all(
    [1, 2].map(() =>
      env.sender.blockAction({
        actionId: APPROVE_ACTION_ID,
        userId: DEMO_USERS.approver.id,
        userName: DEMO_USERS.approver.name,
        messageTs: approvalMessage!.ts,
        channelId: FAKE_WORKSPACE.channelId,
        threadTs: incident!.slackTs!,
      }),
    ),
  )
  out(`→ both clicks acked: HTTP ${clicks.map((c) => `${c.status} in ${c.elapsedMs.toFixed(0)} ms`).join(', ')}`)
  await answered(DEMO_USERS.approver.id)
  await env.fakeSlack
    .waitForMessage(FAKE_WORKSPACE.channelId, (m) => m.ts === approvalMessage!.ts && JSON.stringify(m.blocks ?? []).includes('Approved by'), {
      timeoutMs: 10_000,
    })
    .catch(() => null)
  await env.idle()

  out(`\nSlack #${FAKE_WORKSPACE.channelName} as the team sees it:\n`)
  out(renderTranscript(env.fakeSlack, { channels: [FAKE_WORKSPACE.channelId] }))
  const audit = await listAuditForIncident(env.runtime.database.db, incident!.id)
  out(`\nAudit log of ${incidentLabel(incident!)} (append-only):`)
  for (const a of audit) out(`  ${a.at.toISOString()}  ${a.actor.padEnd(8)} ${a.action}`)
  expectThat(audit.filter((a) => a.action === 'approval.approved').length === 1, 'exactly one approval recorded for the double click')
  expectThat(
    audit.some((a) => a.action === 'approval.refused'),
    'the non-approver click refused',
  )
  expectThat(
    audit.some((a) => a.action === 'action.executed'),
    'the approved action executed',
  )
  out(`\nAutomation endpoint received: ${env.automation.calls.map((c) => `${c.method} ${c.path} (Idempotency-Key ${c.idempotencyKey})`).join('; ')}`)
  expectThat(env.automation.calls.length === 1, 'the action ran exactly once')
}

/** The evidence names earlier incidents with the same error, and they are the fraud-check timeout incidents of the history. */
async function expectSameErrorAsEarlierFraudCheckIncidents(env: EmbeddedEnvironment, threadBlocks: string): Promise<void> {
  const named = /Same error as ((?:INC-\d+(?:, | and )?)+)(?: and \d+ more)?: [^"]*fraud-check/.exec(threadBlocks)
  expectThat(named, 'the evidence says the fraud-check timeout is the same error as earlier incidents ("Same error as INC-…")')
  for (const [, number] of named![1]!.matchAll(/INC-(\d+)/g)) {
    const earlier = await getIncidentByNumber(env.runtime.database.db, Number(number))
    expectThat(earlier?.labels.dependency === 'fraud-check', `INC-${number}, named as having the same error, is a fraud-check incident of the history`)
  }
}

async function scenarioPlaybook(env: EmbeddedEnvironment, out: DemoOutput): Promise<void> {
  out.rule('Scenario 2: playbook-driven debugging')
  out(`${DEMO_USERS.approver.name} types in #checkout-team: /sre analyze checkout-db connection timeouts`)
  const started = performance.now()
  const ack = await env.sender.slashCommand({
    text: 'analyze checkout-db connection timeouts',
    channel_id: CHECKOUT_CHANNEL,
    channel_name: 'checkout-team',
    user_id: DEMO_USERS.approver.id,
    user_name: DEMO_USERS.approver.name,
  })
  out(`→ acked in ${ack.elapsedMs.toFixed(0)} ms: ${JSON.stringify((ack.body as { text?: string }).text ?? ack.body)}`)
  expectThat(ack.status === 200, 'slash command acked')
  await env.idle()
  out(`(analysis and first playbook steps done ${(performance.now() - started).toFixed(0)} ms after the command)\n`)
  out(renderTranscript(env.fakeSlack, { channels: [CHECKOUT_CHANNEL] }))
  const open = await listOpenIncidents(env.runtime.database.db)
  const incident = open.find((i) => i.slackChannel === CHECKOUT_CHANNEL)
  expectThat(incident, 'an incident opened from the command')
  const [execution] = await listExecutionsForIncident(env.runtime.database.db, incident!.id)
  expectThat(execution?.playbookId === 'db-connection-exhaustion', `database-connection playbook picked (got ${execution?.playbookId})`)
  expectThat(execution?.status === 'waiting_approval', `playbook stopped at its approval step (status ${execution?.status})`)
  out(`\nPlaybook ${execution!.playbookId}: ${execution!.status.replace('_', ' ')} after ${execution!.nextStep} read-only steps.`)
}

async function scenarioWarningBeforeFailure(env: EmbeddedEnvironment, clock: DemoClock, leakAt: Date, out: DemoOutput): Promise<void> {
  out.rule('Scenario 4: warning before failure')
  const firstScanAt = new Date(leakAt.getTime() + FIRST_SCAN_AFTER_LEAK_MS)
  clock.advanceTo(firstScanAt)
  out(
    `${LEAK_STARTS_AFTER_MS / (60 * MINUTE_MS)} hours later the incidents are long mitigated. ` +
      `Since ${utcTime(leakAt)} inventory has been leaking memory: a slow climb, no alert has fired.`,
  )
  const warnings = () => env.fakeSlack.messagesIn(WARNINGS_CHANNEL).filter((m) => m.text?.startsWith('Warning: '))

  out(
    `${utcTime(firstScanAt)}: the scheduled telemetry scan runs ` +
      `(job telemetry.scan, as the ${env.runtime.config.TELEMETRY_SCAN_INTERVAL_MINUTES}-minute schedule enqueues it) …`,
  )
  await env.runtime.queue.enqueue('telemetry.scan', {})
  await env.idle()
  const posted = warnings()
  expectThat(posted.length === 1, `exactly one warning posted by the scan (got ${posted.length})`)
  const [warning] = posted
  const said = `${warning!.text}\n${JSON.stringify(warning!.blocks ?? [])}`
  expectThat(
    /inventory memory at \d+%, rising [\d.]+%\/min: full in ~\d+ min/.test(said),
    `the warning names inventory's memory and forecasts when it is full (got "${warning!.text}")`,
  )
  out(`→ posted in #${env.fakeSlack.channelName(WARNINGS_CHANNEL)}: ${warning!.text}`)

  const secondScanAt = new Date(firstScanAt.getTime() + env.runtime.config.TELEMETRY_SCAN_INTERVAL_MINUTES * MINUTE_MS)
  clock.advanceTo(secondScanAt)
  out(`${utcTime(secondScanAt)}: the next scan runs; inventory's memory is still climbing …`)
  await env.runtime.queue.enqueue('telemetry.scan', {})
  await env.idle()
  const repeated = warnings().filter((m) => m !== warning && /inventory (memory|memory_utilization)/.test(`${m.text}${JSON.stringify(m.blocks ?? [])}`))
  expectThat(repeated.length === 0, 'the second scan does not warn about inventory memory again')
  const audited = await env.runtime.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, 'telemetry.warning'), eq(auditLog.subjectId, 'inventory:memory_utilization')))
  expectThat(audited.length === 1, `one audit entry for the inventory memory warning (got ${audited.length})`)
  out(
    `→ nothing new to say: inventory memory was warned about ${Math.round((secondScanAt.getTime() - firstScanAt.getTime()) / MINUTE_MS)} min ago ` +
      `(at most once per ${env.runtime.config.TELEMETRY_WARNING_COOLDOWN_MINUTES} min)`,
  )

  out(`\nSlack #${env.fakeSlack.channelName(WARNINGS_CHANNEL)} as the team sees it:\n`)
  out(renderTranscript(env.fakeSlack, { channels: [WARNINGS_CHANNEL] }))
}

/** `lines` lines of the incident channel's transcript, from the first line that contains `start`. */
function transcriptFrom(env: EmbeddedEnvironment, start: string, lines: number): string {
  const all = renderTranscript(env.fakeSlack, { channels: [FAKE_WORKSPACE.channelId] }).split('\n')
  const first = all.findIndex((l) => l.includes(start))
  return first < 0 ? '' : all.slice(first, first + lines).join('\n')
}

/** Scenario 3's fix, as the commander types it into the Resolve form. */
const SCENARIO_3_FIX = 'circuit breaker on fraud-check + fallback scoring'

async function scenarioCloseTheLoop(env: EmbeddedEnvironment, clock: DemoClock, out: DemoOutput): Promise<void> {
  out.rule('Scenario 3: the team records what fixed it, and the next alert knows')
  const db = env.runtime.database.db
  const incident = (await listOpenIncidents(db)).find((i) => i.service === 'payment-api')
  expectThat(incident?.slackTs, "scenario 1's payment-api incident is open with its thread")
  const label = incidentLabel(incident!)
  const labelledBefore = (await listLabelledConfidence(db, 'diagnosis')).length

  out(`${DEMO_USERS.approver.name} clicks Resolve on ${label}'s root message …`)
  await env.sender.blockAction({
    actionId: RESOLVE_ACTION_ID,
    userId: DEMO_USERS.approver.id,
    userName: DEMO_USERS.approver.name,
    messageTs: incident!.slackTs!,
    channelId: FAKE_WORKSPACE.channelId,
  })
  const opened = await env.fakeSlack.waitForCall('views.open', () => true, { timeoutMs: 10_000 }).catch(() => null)
  expectThat(opened, 'the Resolve form opens')
  await env.idle()
  const form = env.fakeSlack.openedViews.at(-1)!
  out(`→ the form "${(form.view.title as { text: string }).text}" opens, pre-filled from the analysis and the run;`)
  out(`  ${DEMO_USERS.approver.name} answers: "${SCENARIO_3_FIX}" · worked · diagnosis right`)
  const values = viewState({
    [RESOLVE_BLOCK.resolution]: viewInput.text(SCENARIO_3_FIX),
    [RESOLVE_BLOCK.outcome]: viewInput.choice('worked'),
    [RESOLVE_BLOCK.rootCause]: viewInput.text('fraud-check timeouts held payment-api request threads'),
    [RESOLVE_BLOCK.diagnosis]: viewInput.choice('right'),
    [RESOLVE_BLOCK.sameIncident]: viewInput.choice(NO_SAME_INCIDENT, 'static_select'),
  })
  const saved = await env.sender.viewSubmission({
    view: { ...form.view, id: form.viewId },
    userId: DEMO_USERS.approver.id,
    values,
  })
  expectThat(saved.status === 200 && !JSON.stringify(saved.body ?? '').includes('errors'), 'the answers are accepted')
  await env.idle()
  const resolved = await getIncidentByNumber(db, incident!.number)
  expectThat(resolved?.status === 'resolved' && resolved.resolution === SCENARIO_3_FIX, `${label} resolved with what fixed it`)
  const note = env.fakeSlack.thread(FAKE_WORKSPACE.channelId, incident!.slackTs!).find((m) => m.text?.includes('recorded how'))
  out(`→ in the thread: ${note?.text?.split('\n')[0] ?? '(no note)'}`)
  const labelledAfter = (await listLabelledConfidence(db, 'diagnosis')).length
  expectThat(labelledAfter === labelledBefore + 1, `one more labelled outcome for the calibration (${labelledBefore} → ${labelledAfter})`)
  out(`→ labelled outcomes the confidence calibration learns from: ${labelledBefore} → ${labelledAfter}`)

  const inThread = (start: string) =>
    env.fakeSlack
      .waitForMessage(FAKE_WORKSPACE.channelId, (m) => m.threadTs === incident!.slackTs && (m.text ?? '').startsWith(start), { timeoutMs: 10_000 })
      .catch(() => null)
  const review = await inThread(`Post-incident review draft of ${label}`)
  expectThat(review, `the review draft of ${label} is posted in its thread when the resolution is recorded`)
  const drafted = JSON.stringify(review!.blocks ?? [])
  expectThat(drafted.includes(SCENARIO_3_FIX), 'the review draft says what fixed it, as recorded')
  out('→ the post-incident review draft is posted in the thread, from stored facts only:\n')
  out(transcriptFrom(env, `Post-incident review draft of ${label}`, 48))
  const due = new Date(clock.now().getTime() + 14 * 24 * HOUR_MS).toISOString().slice(0, 10)
  const followup = `make the circuit breaker on fraud-check the default for payment-api`
  out(`${DEMO_USERS.approver.name} adds a follow-up: /sre action ${label} @${DEMO_USERS.other.name} due ${due} ${followup}`)
  await env.sender.slashCommand({
    text: `action ${label} <@${DEMO_USERS.other.id}|${DEMO_USERS.other.name}> due ${due} ${followup}`,
    channel_id: FAKE_WORKSPACE.channelId,
    user_id: DEMO_USERS.approver.id,
    user_name: DEMO_USERS.approver.name,
  })
  const added = await inThread(':clipboard:')
  expectThat(added && (added.text ?? '').includes(followup), 'the follow-up action is said in the thread')
  out(`→ in the thread: ${added!.text}`)

  await showPlaybookStats(env, out)

  out(`\n${DEMO_USERS.approver.name} types /sre timeline ${label} …`)
  await env.sender.slashCommand({
    text: `timeline ${label}`,
    channel_id: FAKE_WORKSPACE.channelId,
    user_id: DEMO_USERS.approver.id,
    user_name: DEMO_USERS.approver.name,
  })
  const timeline = await env.fakeSlack
    .waitForMessage(FAKE_WORKSPACE.channelId, (m) => m.threadTs === incident!.slackTs && (m.text ?? '').startsWith(`Timeline of ${label}`), {
      timeoutMs: 10_000,
    })
    .catch(() => null)
  expectThat(timeline, `the timeline of ${label} is posted in its thread`)
  const events = JSON.stringify(timeline!.blocks ?? [])
  for (const [what, pattern] of [
    ['the alert', /Alert fired|opened/i],
    ['the analysis', /Analysis|analys/i],
    ['the approval', /approv/i],
    ['the recorded fix', /circuit breaker on fraud-check/],
  ] as const)
    expectThat(pattern.test(events), `the timeline shows ${what}`)
  out(`→ posted in the thread:\n`)
  out(transcriptFrom(env, `Timeline of ${label}`, 40))

  const later = new Date(clock.now().getTime() + HOUR_MS)
  clock.advanceTo(later)
  out(`\n${utcTime(later)}, an hour later: payment-api's latency alert fires again …`)
  const res = await fetch(`${env.baseUrl}/alerts/gcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.alertToken}` },
    body: JSON.stringify(buildPaymentLatencyAlert(later)),
  })
  const body = (await res.json()) as { results: Array<{ incident: { number: number } | null }> }
  expectThat(res.status === 202 && body.results[0]?.incident, 'the new alert opens an incident')
  await env.idle()
  const next = await getIncidentByNumber(db, body.results[0]!.incident!.number)
  const analysis = env.fakeSlack.thread(FAKE_WORKSPACE.channelId, next!.slackTs!).find((m) => m.text?.startsWith('Assessment:'))
  const said = JSON.stringify(analysis?.blocks ?? [])
  const fixedBy = said.includes(label) && /Fixed by: [^"]*\(:white_check_mark: worked\)/.test(said) && said.includes(`Fixed by: ${SCENARIO_3_FIX}`)
  expectThat(fixedBy, `the new incident's analysis shows ${label} as the closest past incident, fixed by what the team entered (worked)`)
  out(`→ ${incidentLabel(next!)}'s analysis: closest past incident ${label}, "Fixed by: ${SCENARIO_3_FIX} (worked)"`)
}

/** The playbook scenario 1 ran, now that its incident's fix is recorded: its figures as `/sre playbook-stats` answers them. */
async function showPlaybookStats(env: EmbeddedEnvironment, out: DemoOutput): Promise<void> {
  const id = 'latency-slow-dependency'
  out(`\n${DEMO_USERS.approver.name} types /sre playbook-stats ${id} …`)
  await env.sender.slashCommand({
    text: `playbook-stats ${id}`,
    channel_id: FAKE_WORKSPACE.channelId,
    user_id: DEMO_USERS.approver.id,
    user_name: DEMO_USERS.approver.name,
  })
  const answer = await env.fakeSlack
    .waitFor(() => env.fakeSlack.responses.find((r) => JSON.stringify(r.body).includes(`(${id}, v`)), { timeoutMs: 10_000 })
    .catch(() => null)
  expectThat(answer, `/sre playbook-stats ${id} answers with its figures`)
  const blocks = (answer!.body.blocks ?? []) as Parameters<typeof renderBlocksAsText>[0]
  const text = renderBlocksAsText(blocks).join('\n')
  expectThat(/1 run on 1 incident; fixed by its actions: worked 1/.test(text), "the figures count scenario 1's run as a fix that worked")
  out('→ answered to them only:\n')
  out(
    text
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  )
}

async function scenarioBlueprint(env: EmbeddedEnvironment, clock: DemoClock, out: DemoOutput): Promise<void> {
  out.rule('Scenario 5: the service blueprint')
  const notices = () => env.fakeSlack.messagesIn(WARNINGS_CHANNEL).filter((m) => m.text?.startsWith('Service blueprint:'))
  out(`${utcTime(clock.now())}: the hourly blueprint refresh samples the last hour of whole traces (job blueprint.refresh) …`)
  await env.runtime.queue.enqueue('blueprint.refresh', {}, { jobId: 'demo-blueprint-1' })
  await env.idle()
  expectThat(notices().length === 1, `one blueprint notice posted (got ${notices().length})`)
  const [notice] = notices()
  expectThat(/new database dependency: checkout-api → checkout-db/.test(JSON.stringify(notice!.blocks)), 'the notice names checkout-api → checkout-db')
  out(`→ posted in #${env.fakeSlack.channelName(WARNINGS_CHANNEL)}: ${notice!.text}`)
  clock.advanceTo(new Date(clock.now().getTime() + HOUR_MS))
  out(`${utcTime(clock.now())}: the next refresh …`)
  await env.runtime.queue.enqueue('blueprint.refresh', {}, { jobId: 'demo-blueprint-2' })
  await env.idle()
  expectThat(notices().length === 1, 'the second refresh finds nothing new to announce')
  out('→ no change in who calls whom: nothing posted')
  out('/sre blueprint checkout-api …')
  await env.sender.slashCommand({ text: 'blueprint checkout-api', channel_id: CHECKOUT_CHANNEL, user_id: DEMO_USERS.approver.id })
  const shared = await env.fakeSlack.waitFor(() => env.fakeSlack.filesSharedIn(CHECKOUT_CHANNEL)[0], { timeoutMs: 20_000 })
  expectThat(shared.mimetype === 'image/png', 'the blueprint is shared as a PNG')
  out(
    `→ shared in #${env.fakeSlack.channelName(CHECKOUT_CHANNEL) ?? CHECKOUT_CHANNEL}: ${shared.name} (${Math.round(shared.size / 1024)} KB): ${shared.comment}`,
  )
  out(`\nSlack #${env.fakeSlack.channelName(WARNINGS_CHANNEL)} as the team sees it now:\n`)
  out(renderTranscript(env.fakeSlack, { channels: [WARNINGS_CHANNEL] }))
}

async function scenarioCapacity(env: EmbeddedEnvironment, out: DemoOutput): Promise<void> {
  out.rule('Scenario 6: scaling suggestions')
  out('/sre capacity search (four weeks of hourly CPU, memory and latency; the fleet declares its HPA and requests) …')
  const before = env.fakeSlack.responses.length
  await env.sender.slashCommand({ text: 'capacity search', channel_id: CHECKOUT_CHANNEL, user_id: DEMO_USERS.approver.id })
  const answer = await env.fakeSlack.waitFor(() => env.fakeSlack.responses.slice(before).find((r) => JSON.stringify(r.body).includes('Capacity of search')), {
    timeoutMs: 20_000,
  })
  const blocks = (answer.body as { blocks?: Array<{ text?: { text?: string }; elements?: Array<{ text?: string }> }> }).blocks ?? []
  const lines = blocks.flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e) => e.text)]).filter((t): t is string => Boolean(t))
  expectThat(
    lines.some((l) => /raise HPA max to \d+ → \d+ %/.test(l)),
    'search is told to raise its HPA max, with the forecast peak after',
  )
  for (const line of lines) out(`  ${line.replace(/\n/g, '\n  ')}`)
}

async function scenarioDigest(env: EmbeddedEnvironment, out: DemoOutput): Promise<void> {
  out.rule('Scenario 7: the trend digest')
  const channel = FAKE_WORKSPACE.channelId
  const isDigest = (m: { threadTs?: string; text?: string }) => m.threadTs === undefined && /^(Weekly|\d+-day) digest/.test(m.text ?? '')
  out('/sre digest 7d (the same digest DIGEST_CRON posts every Monday at 09:00) …')
  await env.sender.slashCommand({ text: 'digest 7d', channel_id: channel, user_id: DEMO_USERS.approver.id })
  await env.idle()
  const posted = env.fakeSlack.messagesIn(channel).filter(isDigest)
  expectThat(posted.length === 1, `one digest posted (got ${posted.length})`)
  const stored = await latestDigest(env.runtime.database.db)
  expectThat(stored !== null && stored.ts === posted[0]!.ts, 'the posted digest is stored with its message')
  const charts = env.fakeSlack.filesSharedIn(channel).filter((f) => f.messageTs !== posted[0]!.ts && stored!.fileIds.includes(f.id))
  expectThat(charts.length === stored!.fileIds.length && charts.length > 0, 'its charts are uploaded in its thread')
  out(`→ posted in #${env.fakeSlack.channelName(channel) ?? channel} (${posted[0]!.blocks?.length ?? 0} blocks): ${posted[0]!.text}`)
  out(`→ in its thread: ${charts.map((f) => `${f.name} (${Math.round(f.size / 1024)} KB)`).join(', ')}\n`)
  out(digestToText(stored!.figures))
}

export async function runDemo(_args: string[], stream: NodeJS.WritableStream = process.stdout): Promise<number> {
  const out = demoOutput(stream)
  out('sre-agent demo — embedded mode: PGlite + pgvector, in-process jobs, local Slack simulator, synthetic GCP telemetry')
  const clock = new DemoClock()
  const now = clock.now()
  const leakAt = new Date(now.getTime() + LEAK_STARTS_AFTER_MS)
  // The first incidents are fixed within the hour; hours later inventory starts leaking memory (scenario 4).
  const telemetry = createDemoFleet(now, DEFAULT_SYNTHETIC_SEED, {
    mitigatedAt: new Date(now.getTime() + MITIGATED_AFTER_MS),
    inventoryLeakAt: leakAt,
    // The shop plus three services nothing calls, sized in scenario 6: search runs hot at its evening peak.
    fleet: CAPACITY_FLEET,
  })
  const env = await startEmbeddedEnvironment({
    now: clock.now,
    telemetry,
    env: { TELEMETRY_WARNING_CHANNEL: WARNINGS_CHANNEL, BLUEPRINT_CHANNEL: WARNINGS_CHANNEL },
  })
  try {
    const seeded = await seedPastIncidents(env.runtime.database.db, { count: 60, seed: 7, now })
    out(`Seeded ${seeded} past incidents (synthetic history, with the errors their analyses stored) and ${env.runtime.playbooks.length} playbooks.`)
    await scenarioCorrelation(env, out)
    await scenarioPlaybook(env, out)
    await scenarioCloseTheLoop(env, clock, out)
    await scenarioWarningBeforeFailure(env, clock, leakAt, out)
    await scenarioBlueprint(env, clock, out)
    await scenarioCapacity(env, out)
    await scenarioDigest(env, out)
    out.rule('Done')
    out('All seven scenarios ran end to end.')
    return 0
  } catch (err) {
    if (err instanceof DemoExpectationFailed) {
      out(`\n${err.message}`)
      return 1
    }
    throw err
  } finally {
    await env.stop()
  }
}
