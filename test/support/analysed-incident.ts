import { DEMO_USERS, type EmbeddedEnvironment } from '../../src/embedded/embedded-environment'
import { FAKE_WORKSPACE } from '../../src/embedded/slack-simulator'
import { listOpenIncidents, type Incident } from '../../src/storage/repositories/incidents'
import { createPastIncident } from './seed-incidents'

/**
 * The Resolve-form story's start: a past orders-db pool exhaustion (fixed by `db-connection-test`), then
 * `/sre analyze orders-db connection timeouts` in the incident channel, analysed; pair it with `ordersDbExhaustion` telemetry.
 */
export async function openAnalysedOrdersDbIncident(env: EmbeddedEnvironment): Promise<{ incident: Incident; past: Incident }> {
  const past = await createPastIncident(env.runtime.database.db, {
    title: 'orders-db connection pool exhausted, orders-api timeouts',
    service: 'orders-db',
    rootCause: 'connection leak in orders-api after a driver upgrade',
    resolution: 'restarted pgbouncer and rolled back the driver',
    playbookId: 'db-connection-test',
  })
  await env.sender.slashCommand({ text: 'analyze orders-db connection timeouts', channel_id: FAKE_WORKSPACE.channelId, user_id: DEMO_USERS.approver.id })
  await env.idle()
  const [incident] = await listOpenIncidents(env.runtime.database.db)
  if (!incident) throw new Error('the analysed orders-db incident did not open')
  return { incident, past }
}
