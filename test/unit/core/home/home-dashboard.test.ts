import { describe, expect, it } from 'vitest'
import { approvalsWaitingFor, orderFollowups, type PendingApprovalFacts } from '../../../../src/core/home/home-dashboard'
import { homeRefreshJob, publishesPerRun } from '../../../../src/core/home/home-refresh'

const NOW = new Date('2026-12-06T10:00:00Z')
const LATER = new Date('2026-12-06T10:30:00Z')

function request(id: string, overrides: Partial<PendingApprovalFacts> = {}): PendingApprovalFacts {
  return { id, approvers: [], requestedBy: 'U0REQ', expiresAt: LATER, voters: [], ...overrides }
}

describe('approvalsWaitingFor', () => {
  const groups: Record<string, string[]> = { S0ONCALL: ['U0ALICE', 'U0CAROL'], S0DBA: ['U0DAN'] }

  async function waitingFor(userId: string, pending: PendingApprovalFacts[], configuredApprovers: string[] = []) {
    const asked: string[] = []
    const membersOf = async (group: string) => {
      asked.push(group)
      return groups[group] ?? []
    }
    const ids = (await approvalsWaitingFor(userId, pending, { configuredApprovers, now: NOW, membersOf })).map((r) => r.id)
    return { ids, asked }
  }

  it("shows the requests naming the person, directly or through a user group, and not the others'", async () => {
    const pending = [
      request('direct', { approvers: ['U0ALICE'] }),
      request('group', { approvers: ['U0BOB', 'S0ONCALL'] }),
      request('other-group', { approvers: ['S0DBA'] }),
      request('someone-else', { approvers: ['U0BOB'] }),
    ]
    expect((await waitingFor('U0ALICE', pending)).ids).toEqual(['direct', 'group'])
    expect((await waitingFor('U0DAN', pending)).ids).toEqual(['other-group'])
    expect((await waitingFor('U0BOB', pending)).ids).toEqual(['group', 'someone-else'])
  })

  it('falls back to APPROVERS for a request naming nobody, and shows it to everyone when nobody is configured at all', async () => {
    const pending = [request('unnamed')]
    expect((await waitingFor('U0ALICE', pending, ['S0ONCALL'])).ids).toEqual(['unnamed'])
    expect((await waitingFor('U0BOB', pending, ['S0ONCALL'])).ids).toEqual([])
    expect((await waitingFor('U0BOB', pending, [])).ids).toEqual(['unnamed'])
  })

  it('leaves out expired requests, the person’s own and those they already voted on', async () => {
    const pending = [
      request('expired', { approvers: ['U0ALICE'], expiresAt: NOW }),
      request('own', { approvers: ['U0ALICE'], requestedBy: 'U0ALICE' }),
      request('voted', { approvers: ['U0ALICE'], voters: ['U0BOB', 'U0ALICE'] }),
      request('open', { approvers: ['U0ALICE'], voters: ['U0BOB'] }),
    ]
    expect((await waitingFor('U0ALICE', pending)).ids).toEqual(['open'])
  })

  it('asks for the members of each group once, however many requests name it', async () => {
    const pending = [request('a', { approvers: ['S0DBA'] }), request('b', { approvers: ['S0DBA'] }), request('c', { approvers: ['S0DBA'] })]
    expect(await waitingFor('U0ALICE', pending)).toEqual({ ids: [], asked: ['S0DBA'] })
  })
})

describe('orderFollowups', () => {
  it('puts the overdue ones first, oldest due first, then by due day, those without a day last; marks the overdue', () => {
    const ordered = orderFollowups(
      [
        { id: 'none', dueOn: null },
        { id: 'later', dueOn: '2026-12-20' },
        { id: 'today', dueOn: '2026-12-06' },
        { id: 'late', dueOn: '2026-12-01' },
        { id: 'later-still', dueOn: '2027-01-02' },
        { id: 'very-late', dueOn: '2026-11-02' },
      ],
      '2026-12-06',
    )
    expect(ordered.map((f) => [f.id, f.overdue])).toEqual([
      ['very-late', true],
      ['late', true],
      ['today', false],
      ['later', false],
      ['later-still', false],
      ['none', false],
    ])
  })
})

describe('the refresh window', () => {
  it('gives every change of one window the same job, run when the window ends', () => {
    const start = Date.UTC(2026, 11, 6, 10, 0, 0) // a multiple of 10 s since the epoch
    const first = homeRefreshJob(new Date(start + 3_500), 10)
    expect(first).toEqual({ jobId: `home-refresh-${start / 10_000}`, delayMs: 6_500 })
    expect(homeRefreshJob(new Date(start + 9_999), 10)).toEqual({ jobId: first.jobId, delayMs: 1 })
    expect(homeRefreshJob(new Date(start + 10_000), 10)).toEqual({ jobId: `home-refresh-${start / 10_000 + 1}`, delayMs: 10_000 })
  })

  it('publishes per run what keeps the runs under the per-minute budget, at least one', () => {
    expect(publishesPerRun({ minSeconds: 10, publishesPerMinute: 60 })).toBe(10)
    expect(publishesPerRun({ minSeconds: 10, publishesPerMinute: 100 })).toBe(16)
    expect(publishesPerRun({ minSeconds: 1, publishesPerMinute: 30 })).toBe(1)
  })
})
