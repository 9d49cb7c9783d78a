import { describe, expect, it } from 'vitest'
import { computeDigest, type Digest } from '../../../../src/core/digest/compute-digest'
import type { DigestCapacityEntry } from '../../../../src/core/digest/digest-capacity'
import { digestToText } from '../../../../src/core/digest/digest-text'
import type { DigestHistory } from '../../../../src/core/digest/digest-history'
import { findBlockKitViolations } from '../../../../src/embedded/slack-simulator'
import { buildDigestMessage } from '../../../../src/slack/blocks/digest-blocks'
import { MESSAGE_MAX_BLOCKS, SECTION_MAX_CHARS } from '../../../../src/slack/blocks/packed-sections'
import hostile from '../../../fixtures/slack/hostile-strings.json'
import { warningAccuracy } from '../../../support/digest-fixtures'

const since = new Date('2026-11-30T00:00:00Z')
const until = new Date('2026-12-07T00:00:00Z')

/** A busy week where every name, title, template and text is `h`: 60 services, 30 alerts, errors, playbooks and follow-ups. */
function hostileHistory(h: string): DigestHistory {
  const incidents = Array.from({ length: 120 }, (_, i) => ({
    id: `i${i}`,
    number: i + 1,
    title: `${h} ${i}`,
    service: `${h}-${i % 60}`,
    policyName: h,
    fingerprint: `${h}-${i % 30}`,
    severity: (['critical', 'high', 'warning', 'info'] as const)[i % 4]!,
    startedAt: new Date(since.getTime() + i * 3_600_000),
    resolvedAt: new Date(since.getTime() + i * 3_600_000 + 600_000),
    ttaSeconds: 60 + i,
    ttmSeconds: null,
    ttrSeconds: 600,
    diagnosisLabel: (['right', 'wrong', 'partly', null] as const)[i % 4] ?? null,
    sameIncidentId: null,
    resolutionRecordedAt: new Date(since.getTime() + i * 3_600_000 + 700_000),
    confidence: (i % 10) / 10,
    topMatchId: null,
  }))
  return {
    incidents,
    playbookRuns: Array.from({ length: 12 }, (_, i) => ({
      playbookId: `${h}${i}`,
      title: h,
      status: 'completed' as const,
      startedAt: new Date(since.getTime() + i),
    })),
    approvals: [],
    followups: Array.from({ length: 10 }, (_, i) => ({
      status: 'open' as const,
      owner: i % 2 ? 'U0ALICE' : h,
      text: h,
      incidentNumber: i + 1,
      dueOn: '2026-12-01',
      createdAt: since,
      closedAt: null,
    })),
    warnings: {
      current: warningAccuracy(since, until, {
        warnings: 3,
        confirmed: 1,
        falseAlarms: 2,
        precision: 1 / 3,
        incidents: 120,
        forewarned: 1,
        recall: 1 / 120,
        medianLeadMinutes: 12,
        falseAlarmsByService: Array.from({ length: 8 }, (_, i) => ({ service: `${h}${i}`, falseAlarms: 2, perWeek: 2 })),
        marks: { useful: 1, notUseful: 1 },
      }),
      previous: warningAccuracy(since, until),
    },
    errorSightings: incidents.map((i) => ({
      incidentId: i.id,
      incidentNumber: i.number,
      service: h,
      template: `${h} ${i.number % 9}`,
      errorGroupId: i.number % 2 ? h : null,
      incidentStartedAt: i.startedAt,
    })),
  }
}

/** The capacity section of eight services named `h`: suggestions, a service that could not be sized, one that needs nothing. */
function hostileCapacity(h: string): DigestCapacityEntry[] {
  return Array.from({ length: 8 }, (_, i): DigestCapacityEntry => {
    const service = `${h}-${i}`
    if (i === 6) return { service, sized: false, reason: `sizing ${h} gave no answer within 20 s` }
    if (i === 7) return { service, sized: true, verdict: 'no-change', suggestions: [], peaks: { cpu: 0.41, memory: null }, note: h }
    const summary = `CPU peak 100 % of 6 replicas at ${h}; forecast next peak 104 % (104 % even at HPA max 6); raise HPA max to 9 → 69 %`
    return {
      service,
      sized: true,
      verdict: 'scale-up',
      suggestions: [{ summary, vcpuHoursPerWeek: 49, gibHoursPerWeek: 73.5 }],
      peaks: { cpu: 1, memory: 0.5 },
      note: null,
    }
  })
}

function withCapacity(d: Digest, h: string): Digest {
  return { ...d, capacity: hostileCapacity(h) }
}

/** mrkdwn texts of the message, with the bot's own mentions of U0ALICE taken out. */
function mrkdwnTexts(blocks: unknown): string[] {
  const out: string[] = []
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk)
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text.replaceAll('<@U0ALICE>', ''))
      Object.values(o).forEach(walk)
    }
  }
  walk(blocks)
  return out
}

describe('buildDigestMessage', () => {
  it('stays within Slack limits and lets nothing from alerts or users ping anyone or become a link', () => {
    for (const h of hostile.strings) {
      const { digest } = computeDigest(hostileHistory(h), { since, until, timeZone: 'UTC' })
      const message = buildDigestMessage(withCapacity(digest, h))
      expect(findBlockKitViolations(message.blocks)).toEqual([])
      expect(message.blocks.length).toBeLessThanOrEqual(MESSAGE_MAX_BLOCKS)
      expect(mrkdwnTexts(message.blocks).some((t) => t.startsWith('*Capacity*'))).toBe(true)
      for (const text of mrkdwnTexts(message.blocks)) {
        expect(text.length).toBeLessThanOrEqual(SECTION_MAX_CHARS)
        expect(text, JSON.stringify(h)).not.toMatch(/[<>]/)
      }
      expect(message.text).not.toMatch(/[<>]/)
    }
  })

  it('gives each figure its arrow and the command that lists what it counts', () => {
    const { digest } = computeDigest(hostileHistory('checkout'), { since, until, timeZone: 'UTC' })
    const text = mrkdwnTexts(buildDigestMessage(digest).blocks).join('\n')
    expect(text).toContain('*120 ↑ (was 0)* — `/sre incidents --since 2026-11-30 --until 2026-12-06`')
    expect(text).toContain('• *checkout-0*: 2 ↑ (was 0) — `/sre incidents --service checkout-0 --since 2026-11-30 --until 2026-12-06`')
    expect(text).toContain('… and 48 more service(s)')
    expect(digestToText(digest)).toContain('Total: 120 ↑ (was 0)')
    expect(text).toContain('• Precision 33 % (was n/a); recall 1 %: 1 of 120 incidents forewarned')
  })

  it('says per service sized what to change with its arithmetic and cost, or why not, with the command behind it', () => {
    const history = hostileHistory('checkout')
    const { digest } = computeDigest({ ...history, incidents: history.incidents.slice(0, 3) }, { since, until, timeZone: 'UTC' })
    const message = buildDigestMessage(withCapacity(digest, 'search'))
    const text = mrkdwnTexts(message.blocks).join('\n')
    expect(text).toContain(
      '• *search-0*: CPU peak 100 % of 6 replicas at search; forecast next peak 104 % (104 % even at HPA max 6); raise HPA max to 9 → 69 % ' +
        '— +49 vCPU-h, +73.5 GiB-h a week — `/sre capacity search-0`',
    )
    expect(text).toContain('• *search-6*: could not be sized: sizing search gave no answer within 20 s — `/sre capacity search-6`')
    expect(text).toContain('• *search-7*: no change needed (CPU peak 41 %) — `/sre capacity search-7`')
    expect(digestToText(withCapacity(digest, 'search'))).toContain('\nCapacity\n--------\n  search-0: CPU peak 100 % of 6 replicas')
    // Without capacity settings there is no section at all.
    expect(text).toContain('*Capacity*')
    expect(mrkdwnTexts(buildDigestMessage(digest).blocks).join('\n')).not.toContain('*Capacity*')
    expect(digestToText(digest)).not.toContain('Capacity')
  })
})
