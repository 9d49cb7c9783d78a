import { describe, expect, it } from 'vitest'
import { parseIncidentsArguments } from '../../../../src/slack/listeners/commands/incidents-command'

describe('/sre incidents arguments', () => {
  it('reads the service and the days a digest figure names', () => {
    expect(parseIncidentsArguments([])).toEqual({ service: null, since: null, until: null })
    expect(parseIncidentsArguments(['--service', 'checkout-api', '--since', '2026-11-30', '--until', '2026-12-06'])).toEqual({
      service: 'checkout-api',
      since: '2026-11-30',
      until: '2026-12-06',
    })
  })

  it('says what is wrong, escaped', () => {
    expect(parseIncidentsArguments(['<!channel>'])).toEqual({ problem: "I don't understand `&lt;!channel&gt;`." })
    expect(parseIncidentsArguments(['--service'])).toEqual({ problem: '`--service` needs a value.' })
    expect(parseIncidentsArguments(['--since', 'last-week'])).toEqual({ problem: '`--since` takes a day as YYYY-MM-DD, not `last-week`.' })
    expect(parseIncidentsArguments(['--until', '2026-12-06'])).toEqual({ problem: '`--until` needs `--since`.' })
    expect(parseIncidentsArguments(['--since', '2026-12-06', '--until', '2026-12-01'])).toEqual({ problem: '`--until` is before `--since`.' })
  })
})
