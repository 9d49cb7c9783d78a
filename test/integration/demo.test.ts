import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { runDemo } from '../../src/embedded/demo'

/** Collects what the demo prints. */
function captured(): { stream: Writable; text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    },
  })
  return { stream, text: () => chunks.join('') }
}

describe('sre-agent demo (embedded mode)', () => {
  it('runs the seven scenarios end to end and meets its own expectations', { timeout: 120_000 }, async () => {
    const output = captured()
    const code = await runDemo([], output.stream)
    const text = output.text()
    expect(code, text.slice(-2000)).toBe(0)
    expect(text).toContain('Seeded 60 past incidents')

    // Scenario 1: the fraud-check timeout is recognised from the seeded incidents' stored errors.
    expect(text).toContain('Scenario 1: past-incident correlation')
    expect(text).toMatch(
      /Same error as INC-\d+(, INC-\d+)*( and (INC-)?\d+( more)?)?: (upstream request timeout: POST <\*> on fraud-check|UpstreamTimeoutError: call to fraud-check)[^\n]*\(resolved by [^\n]*circuit breaker/,
    )

    expect(text).toContain('Scenario 2: playbook-driven debugging')
    expect(text).toContain('Playbook db-connection-exhaustion: waiting approval')

    // Scenario 4: one warning with a forecast, in the warnings channel, not repeated by the next scan.
    expect(text).toContain('Scenario 4: warning before failure')
    expect(text).toMatch(/→ posted in #sre-warnings: Warning: inventory memory at \d+%, rising [\d.]+%\/min: full in ~\d+ min \(\d\d:\d\d UTC\)/)
    expect(text).toMatch(/→ nothing new to say: inventory memory was warned about 5 min ago/)
    expect(text).toMatch(/#sre-warnings \(C0SREWARN\)\n━+\n\[[\d.]+\] @sre-agent\n {2}:warning: \*Telemetry scan:/)

    // Scenario 3: the team's answers in the Resolve form are what the next similar incident shows.
    expect(text).toContain('Scenario 3: the team records what fixed it, and the next alert knows')
    expect(text).toMatch(/→ labelled outcomes the confidence calibration learns from: (\d+) → \d+/)
    expect(text).toMatch(/Post-incident review draft of INC-61 [^\n]*\n[\s\S]*Fixed by: circuit breaker on fraud-check \+ fallback scoring \(worked\)/)
    expect(text).toMatch(/added a follow-up action: make the circuit breaker on fraud-check the default for payment-api — <@U0BOB>, due \d{4}-\d\d-\d\d/)
    expect(text).toMatch(/Playbook figures, across all its runs so far\*\n[^\n]*\(latency-slow-dependency, v1\)/)
    expect(text).toMatch(
      /types \/sre playbook-stats latency-slow-dependency …\n→ answered to them only:\n[\s\S]*slow-traces \(query\): ran 1, [^\n]*decisive 1/,
    )
    expect(text).toMatch(/Timeline of INC-61 [^\n]*— \d+ events/)
    expect(text).toMatch(/Resolution recorded: circuit breaker on fraud-check \+ fallback scoring \(worked\)/)
    expect(text).not.toContain('{{service}}')
    expect(text).toMatch(/→ INC-\d+'s analysis: closest past incident INC-61, "Fixed by: circuit breaker on fraud-check \+ fallback scoring \(worked\)"/)

    // Scenario 5: the first blueprint refresh announces what traces show, the next one is quiet, /sre blueprint shares a picture.
    expect(text).toContain('Scenario 5: the service blueprint')
    expect(text).toMatch(/→ posted in #sre-warnings: Service blueprint: [^\n]+\(and 8 more\)/)
    expect(text).toContain('→ no change in who calls whom: nothing posted')
    expect(text).toMatch(/→ shared in #[^:]+: service-blueprint\.png \(\d+ KB\)/)
    // Scenario 6: /sre capacity tells the synthetic fleet's hot service to raise its HPA max, with the numbers.
    expect(text).toContain('Scenario 6: scaling suggestions')
    expect(text).toMatch(/CPU peak \d+ % of 6 replicas at \w{3} \d\d:00; forecast next peak \d+ % \(\d+ % even at HPA max 6\); raise HPA max to \d+ → \d+ %/)

    // Scenario 7: /sre digest posts the digest with its charts in its thread, and the demo prints it.
    expect(text).toContain('Scenario 7: the trend digest')
    expect(text).toMatch(/→ posted in #[^ ]+ \(\d+ blocks\): Weekly digest [^\n]+: \d+ [↑↓→] \(was \d+\) incidents/)
    expect(text).toMatch(/→ in its thread: incidents-per-day\.png \(\d+ KB\), ttr-by-week\.png/)
    expect(text).toMatch(/Time to resolve: median [^\n]+; \d+ of \d+ incidents had the times/)
    expect(text).toContain('All seven scenarios ran end to end.')
  })
})
