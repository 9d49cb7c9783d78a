import { describe, expect, it } from 'vitest'
import type { HomeApproval, HomeDashboard, HomeFollowup, HomeIncident } from '../../../../src/core/home/home-dashboard'
import { findBlockKitViolations } from '../../../../src/embedded/slack-simulator'
import { buildHomeView, HOME_LISTED, HOME_MAX_BLOCKS, messageLink } from '../../../../src/slack/blocks/home-blocks'

const NOW = new Date('2026-12-06T10:00:00Z')
const WORKSPACE = 'https://acme.slack.com/'

function incident(n: number, overrides: Partial<HomeIncident> = {}): HomeIncident {
  return {
    number: n,
    title: `orders-db pool exhausted ${n}`,
    service: 'orders-db',
    severity: 'high',
    responseStage: 'investigating',
    commanderId: null,
    acknowledgedBy: null,
    startedAt: new Date(NOW.getTime() - 125 * 60_000),
    slackChannel: 'C0INC',
    slackTs: `1700000000.${String(n).padStart(6, '0')}`,
    ...overrides,
  }
}

function approval(i: number): HomeApproval {
  return {
    id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    incidentNumber: 7,
    title: 'Scale orders-api to 6 replicas',
    risk: 'medium',
    approvedSoFar: 1,
    minApprovals: 2,
    expiresAt: new Date(NOW.getTime() + 30 * 60_000),
    slackChannel: 'C0INC',
    slackTs: '1700000100.000200',
    threadTs: '1700000000.000007',
  }
}

function followup(i: number, overrides: Partial<HomeFollowup> = {}): HomeFollowup {
  return {
    id: `10000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    incidentNumber: 7,
    text: `Add a pool alert ${i}`,
    dueOn: null,
    overdue: false,
    ...overrides,
  }
}

function dashboard(overrides: Partial<HomeDashboard> = {}): HomeDashboard {
  return { userId: 'U0ALICE', generatedAt: NOW, incidents: [], incidentsTotal: 0, approvals: [], followups: [], followupsTotal: 0, digest: null, ...overrides }
}

const json = (v: unknown) => JSON.stringify(v)
const mrkdwn = (view: { blocks: unknown[] }) => view.blocks.map((b) => json(b))

describe('buildHomeView', () => {
  it('lists an incident with severity, stage, commander, who acknowledged and age, with Acknowledge and Open thread', () => {
    const view = buildHomeView(dashboard({ incidents: [incident(42, { commanderId: 'U0BOB' })], incidentsTotal: 1 }), { workspaceUrl: WORKSPACE })
    const [heading, line, buttons] = view.blocks
    expect(heading).toMatchObject({ type: 'header', text: { text: 'Open incidents (1)' } })
    expect(json(line)).toContain(
      ':large_orange_circle: *INC-42* orders-db pool exhausted 42\\nhigh · :mag: Investigating · orders-db · commander <@U0BOB> · *not acknowledged* · open for 2 h 5 min',
    )
    expect(buttons).toEqual({
      type: 'actions',
      elements: [
        { type: 'button', action_id: 'incident_acknowledge:42', value: 'INC-42', style: 'primary', text: { type: 'plain_text', text: 'Acknowledge' } },
        {
          type: 'button',
          action_id: 'home_link:incident:42',
          text: { type: 'plain_text', text: 'Open thread' },
          url: 'https://acme.slack.com/archives/C0INC/p1700000000000042',
        },
      ],
    })
  })

  it('offers no Acknowledge on an acknowledged incident, and no link without the workspace URL or a thread', () => {
    const acked = buildHomeView(dashboard({ incidents: [incident(1, { acknowledgedBy: 'U0BOB' })], incidentsTotal: 1 }), { workspaceUrl: WORKSPACE })
    expect(json(acked)).not.toContain('incident_acknowledge')
    expect(json(acked)).toContain('acknowledged by <@U0BOB>')
    const unlinked = buildHomeView(dashboard({ incidents: [incident(1, { acknowledgedBy: 'U0BOB' })], incidentsTotal: 1 }), { workspaceUrl: null })
    expect(json(unlinked)).not.toContain('Open thread')
    expect(unlinked.blocks[2]).toMatchObject({ type: 'divider' })
  })

  it('links an approval to its message in the incident thread, with its progress', () => {
    const view = buildHomeView(dashboard({ approvals: [approval(1)] }), { workspaceUrl: WORKSPACE })
    const block = view.blocks.find((b) => json(b).includes('Open request'))
    expect(block).toMatchObject({
      type: 'section',
      accessory: { url: 'https://acme.slack.com/archives/C0INC/p1700000100000200?thread_ts=1700000000.000007&cid=C0INC' },
    })
    expect(json(block)).toContain(':large_yellow_circle: medium risk · *Scale orders-api to 6 replicas* on INC-7 · 1 of 2 approvals · expires <!date^')
  })

  it('lists the follow-ups with Done, overdue marked', () => {
    const view = buildHomeView(
      dashboard({ followups: [followup(1, { dueOn: '2026-12-01', overdue: true }), followup(2, { dueOn: '2026-12-20' })], followupsTotal: 2 }),
      { workspaceUrl: WORKSPACE },
    )
    const lines = view.blocks.filter((b) => json(b).includes('followup_done:'))
    expect(lines.map((b) => (b as { text: { text: string } }).text.text)).toEqual([
      'Add a pool alert 1\n:alarm_clock: *overdue* since 2026-12-01 · INC-7',
      'Add a pool alert 2\ndue 2026-12-20 · INC-7',
    ])
    expect(lines[0]).toMatchObject({ accessory: { action_id: `followup_done:${followup(1).id}`, value: followup(1).id } })
  })

  it("shows the digest's figures and its charts as slack_file image blocks, at most four", () => {
    const charts = Array.from({ length: 6 }, (_, i) => ({ fileId: `F0CHART${i}`, title: `Chart ${i}`, altText: `What chart ${i} shows` }))
    const view = buildHomeView(
      dashboard({ digest: { periodLabel: '30 Nov – 6 Dec 2026', figures: ['12 incidents ↑ 3', 'MTTR median 42 min ↓ 12 %'], charts } }),
      { workspaceUrl: WORKSPACE },
    )
    expect(json(view)).toContain('This week · 30 Nov – 6 Dec 2026')
    expect(json(view)).toContain('• 12 incidents ↑ 3\\n• MTTR median 42 min ↓ 12 %')
    const images = view.blocks.filter((b) => b.type === 'image')
    expect(images).toHaveLength(HOME_LISTED.charts)
    expect(images[0]).toEqual({ type: 'image', slack_file: { id: 'F0CHART0' }, alt_text: 'What chart 0 shows', title: { type: 'plain_text', text: 'Chart 0' } })
  })

  it('says so when there is nothing, and leaves the digest out when none was posted', () => {
    const view = buildHomeView(dashboard(), { workspaceUrl: WORKSPACE })
    const text = json(view)
    expect(text).toContain('No open incidents. :sunny:')
    expect(text).toContain('Nothing is waiting for your approval.')
    expect(text).toContain('No open follow-up actions of yours.')
    expect(text).not.toContain('This week')
    expect(findBlockKitViolations(view.blocks, 'home')).toEqual([])
  })

  it("stays within a Home view's 100 blocks and 3,000 characters a section, however full, and counts what it left out", () => {
    const huge = 'x'.repeat(10_000)
    const view = buildHomeView(
      dashboard({
        incidents: Array.from({ length: 100 }, (_, i) => incident(i + 1, { title: huge })),
        incidentsTotal: 140,
        approvals: Array.from({ length: 100 }, (_, i) => ({ ...approval(i), title: huge })),
        followups: Array.from({ length: 100 }, (_, i) => followup(i, { text: huge })),
        followupsTotal: 120,
        digest: {
          periodLabel: huge,
          figures: Array.from({ length: 200 }, () => huge),
          charts: Array.from({ length: 9 }, (_, i) => ({ fileId: `F${i}`, title: huge, altText: huge })),
        },
      }),
      { workspaceUrl: WORKSPACE },
    )
    expect(view.blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS)
    expect(findBlockKitViolations(view.blocks, 'home')).toEqual([])
    const texts = mrkdwn(view).join('\n')
    expect(texts).toContain('and 125 more — `/sre incidents`')
    expect(texts).toContain("and 90 more — in the incidents' threads")
    expect(texts).toContain('and 105 more — `/sre actions mine`')
    expect(view.blocks.filter((b) => json(b).includes('incident_acknowledge:'))).toHaveLength(HOME_LISTED.incidents)
  })
})

describe('messageLink', () => {
  it("builds Slack's permalink from the workspace URL, and nothing from ids that are not Slack's", () => {
    expect(messageLink('https://acme.slack.com/', 'C0INC', '1700000000.000100')).toBe('https://acme.slack.com/archives/C0INC/p1700000000000100')
    expect(messageLink('https://acme.slack.com', 'C0INC', '1700000000.000100', '1700000000.000100')).toBe(
      'https://acme.slack.com/archives/C0INC/p1700000000000100',
    )
    expect(messageLink('https://acme.slack.com/', 'C0INC|x', '1700000000.000100')).toBeNull()
    expect(messageLink('https://acme.slack.com/', 'C0INC', '<!here>')).toBeNull()
    expect(messageLink(null, 'C0INC', '1700000000.000100')).toBeNull()
    expect(messageLink('javascript:alert(1)//', 'C0INC', '1700000000.000100')).toBeNull()
  })
})
