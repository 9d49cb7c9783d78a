import { performance } from 'node:perf_hooks'
import { seedPastIncidents } from '../../scripts/seed-history'
import { incidentLabel } from '../core/incidents/incident-label'
import { APPROVE_ACTION_ID } from '../slack/blocks/approval-blocks'
import { listAuditForIncident } from '../storage/repositories/audit'
import { getIncidentByNumber, listOpenIncidents } from '../storage/repositories/incidents'
import { listExecutionsForIncident } from '../storage/repositories/playbooks'
import { CHECKOUT_CHANNEL, DEMO_USERS, startEmbeddedEnvironment, type EmbeddedEnvironment } from './embedded-environment'
import { FAKE_WORKSPACE, renderTranscript } from './slack-simulator'

const out = (line = '') => process.stdout.write(`${line}\n`)
const rule = (title: string) => out(`\n${'═'.repeat(8)} ${title} ${'═'.repeat(Math.max(4, 70 - title.length))}`)

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
      resource: { type: 'k8s_container', labels: { project_id: 'demo-project', location: 'europe-west1', cluster_name: 'prod-eu', namespace_name: 'payments', container_name: 'payment-api' } },
      resource_type_display_name: 'Kubernetes Container',
      resource_id: '',
      resource_display_name: 'payment-api',
      resource_name: 'projects/demo-project/locations/europe-west1/clusters/prod-eu/namespaces/payments/containers/payment-api',
      metric: { type: 'prometheus.googleapis.com/http_server_request_duration_seconds/histogram', displayName: 'HTTP request duration p95', labels: {} },
      metadata: { system_labels: {}, user_labels: { service: 'payment-api', team: 'payments' } },
      policy_name: 'payment-api p95 latency > 2 s',
      policy_user_labels: { service: 'payment-api' },
      documentation: { content: 'Check the payment-api dashboards and dependencies.', mime_type: 'text/markdown', subject: 'payment-api p95 latency > 2 s', links: [] },
      condition: { name: 'projects/demo-project/alertPolicies/1/conditions/1', displayName: 'p95 latency above 2 s for 5 min' },
      condition_name: 'p95 latency above 2 s for 5 min',
      threshold_value: '2',
      severity: 'Critical',
    },
  }
}

async function scenarioCorrelation(env: EmbeddedEnvironment): Promise<void> {
  rule('Scenario 1: past-incident correlation')
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
  const thread = env.fakeSlack.thread(FAKE_WORKSPACE.channelId, incident!.slackTs!)
  expectThat(thread.some((m) => m.text?.startsWith('Similar incidents: INC-')), 'similar incidents posted in the thread')
  expectThat(thread.some((m) => m.text?.startsWith('Assessment:')), 'assessment with confidence posted')
  const approvalMessage = thread.find((m) => JSON.stringify(m.blocks ?? []).includes(APPROVE_ACTION_ID))
  expectThat(approvalMessage, 'an approval request with buttons in the thread')

  out(`\n${DEMO_USERS.other.name} (not an approver) clicks Approve …`)
  await env.sender.blockAction({ actionId: APPROVE_ACTION_ID, userId: DEMO_USERS.other.id, userName: DEMO_USERS.other.name, messageTs: approvalMessage!.ts, channelId: FAKE_WORKSPACE.channelId, threadTs: incident!.slackTs! })
  await env.idle()
  out(`${DEMO_USERS.approver.name} (on-call approver) clicks Approve — twice, as people do …`)
  const clicks = await Promise.all([1, 2].map(() => env.sender.blockAction({ actionId: APPROVE_ACTION_ID, userId: DEMO_USERS.approver.id, userName: DEMO_USERS.approver.name, messageTs: approvalMessage!.ts, channelId: FAKE_WORKSPACE.channelId, threadTs: incident!.slackTs! })))
  out(`→ both clicks acked: HTTP ${clicks.map((c) => `${c.status} in ${c.elapsedMs.toFixed(0)} ms`).join(', ')}`)
  await env.idle()

  out(`\nSlack #${FAKE_WORKSPACE.channelName} as the team sees it:\n`)
  out(renderTranscript(env.fakeSlack, { channels: [FAKE_WORKSPACE.channelId] }))
  const audit = await listAuditForIncident(env.runtime.database.db, incident!.id)
  out(`\nAudit log of ${incidentLabel(incident!)} (append-only):`)
  for (const a of audit) out(`  ${a.at.toISOString()}  ${a.actor.padEnd(8)} ${a.action}`)
  expectThat(audit.filter((a) => a.action === 'approval.approved').length === 1, 'exactly one approval recorded for the double click')
  expectThat(audit.some((a) => a.action === 'approval.refused'), 'the non-approver click refused')
  expectThat(audit.some((a) => a.action === 'action.executed'), 'the approved action executed')
  out(`\nAutomation endpoint received: ${env.automation.calls.map((c) => `${c.method} ${c.path} (Idempotency-Key ${c.idempotencyKey})`).join('; ')}`)
  expectThat(env.automation.calls.length === 1, 'the action ran exactly once')
}

async function scenarioPlaybook(env: EmbeddedEnvironment): Promise<void> {
  rule('Scenario 2: playbook-driven debugging')
  out(`${DEMO_USERS.approver.name} types in #checkout-team: /sre analyze checkout-db connection timeouts`)
  const started = performance.now()
  const ack = await env.sender.slashCommand({ text: 'analyze checkout-db connection timeouts', channel_id: CHECKOUT_CHANNEL, channel_name: 'checkout-team', user_id: DEMO_USERS.approver.id, user_name: DEMO_USERS.approver.name })
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

export async function runDemo(_args: string[]): Promise<number> {
  out('sre-agent demo — embedded mode: PGlite + pgvector, in-process jobs, local Slack simulator, synthetic GCP telemetry')
  const now = new Date()
  const env = await startEmbeddedEnvironment({ now: () => new Date() })
  try {
    const seeded = await seedPastIncidents(env.runtime.database.db, { count: 60, seed: 7, now })
    out(`Seeded ${seeded} past incidents (synthetic history) and ${env.runtime.playbooks.length} playbooks.`)
    await scenarioCorrelation(env)
    await scenarioPlaybook(env)
    rule('Done')
    out('Both scenarios ran end to end.')
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
