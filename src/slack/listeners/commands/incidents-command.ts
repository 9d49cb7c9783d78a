import type { RespondFn } from '@slack/bolt'
import { addDays, startOfZonedDay } from '../../../core/digest/zoned-calendar'
import { incidentLabel } from '../../../core/incidents/incident-label'
import { truncateText } from '../../../core/truncate-text'
import { type Incident, listIncidentsStarted, listOpenIncidents, listOpenIncidentsOfService } from '../../../storage/repositories/incidents'
import { escapeMrkdwn } from '../../blocks/block-kit'
import { mrkdwnSection, packLines } from '../../blocks/packed-sections'
import type { ListenerDeps } from '../listener-deps'

const LISTED = 15
const DAY = /^\d{4}-\d{2}-\d{2}$/

export const INCIDENTS_USAGE =
  'Usage: `/sre incidents [--service &lt;name&gt;] [--since YYYY-MM-DD] [--until YYYY-MM-DD]` — without `--since`, the open incidents; ' +
  'with it, those started from that day to `--until` (included; today when absent), days in the digest time zone.'

export interface IncidentsFilter {
  service: string | null
  /** Calendar days (YYYY-MM-DD), `until` included; null since = the open incidents. */
  since: string | null
  until: string | null
}

/** Reads `--service s --since d --until d`; a problem is returned as the sentence to answer with. */
export function parseIncidentsArguments(args: string[]): IncidentsFilter | { problem: string } {
  const filter: IncidentsFilter = { service: null, since: null, until: null }
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!
    const value = args[i + 1]
    const key = flag.replace(/^--/, '')
    if (!flag.startsWith('--') || !['service', 'since', 'until'].includes(key))
      return { problem: `I don't understand \`${escapeMrkdwn(truncateText(flag, 40))}\`.` }
    if (value === undefined || value.startsWith('--')) return { problem: `\`${flag}\` needs a value.` }
    if (key !== 'service' && (!DAY.test(value) || Number.isNaN(Date.parse(value)))) {
      return { problem: `\`${flag}\` takes a day as YYYY-MM-DD, not \`${escapeMrkdwn(truncateText(value, 40))}\`.` }
    }
    filter[key as keyof IncidentsFilter] = value
    i++
  }
  if (filter.until !== null && filter.since === null) return { problem: '`--until` needs `--since`.' }
  if (filter.since !== null && filter.until !== null && filter.until < filter.since) return { problem: '`--until` is before `--since`.' }
  return filter
}

/** `/sre incidents [...]`: the open incidents, or those started in some days, of one service or all: what a digest figure counts. */
export async function answerIncidents(deps: ListenerDeps, filter: IncidentsFilter, respond: RespondFn): Promise<void> {
  const service = filter.service === null ? '' : ` of \`${escapeMrkdwn(truncateText(filter.service, 80))}\``
  let listed: Incident[]
  let heading: string
  if (filter.since === null) {
    listed = filter.service === null ? await listOpenIncidents(deps.db, LISTED) : await listOpenIncidentsOfService(deps.db, filter.service, LISTED)
    heading = listed.length ? `*Open incidents${service}*` : `No open incidents${service}. :sunny:`
  } else {
    const timeZone = deps.config.DIGEST_TIMEZONE ?? 'UTC'
    const since = startOfZonedDay(filter.since, timeZone)
    const until = filter.until === null ? deps.now() : startOfZonedDay(addDays(filter.until, 1), timeZone)
    const found = await listIncidentsStarted(deps.db, { since, until, service: filter.service }, LISTED)
    listed = found.incidents
    const days = `from ${filter.since} to ${filter.until ?? 'now'} (${escapeMrkdwn(timeZone)})`
    const more = found.total > listed.length ? `, the latest ${listed.length} shown` : ''
    heading = `*${found.total} incident(s)${service} started ${days}*${more}`
  }
  const lines = listed.map(
    (i) =>
      `• *${incidentLabel(i)}* ${escapeMrkdwn(truncateText(i.title, 150))} — ${i.severity}, ${i.status}` +
      `${i.service ? `, ${escapeMrkdwn(truncateText(i.service, 80))}` : ''}`,
  )
  const sections = packLines([heading, ...lines])
  await respond({ response_type: 'ephemeral', text: [heading, ...lines].join('\n'), blocks: sections.map(mrkdwnSection) })
}
