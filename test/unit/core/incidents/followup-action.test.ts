import { describe, expect, it } from 'vitest'
import { isOverdue, parseActionCommand } from '../../../../src/core/incidents/followup-action'

const words = (text: string) => text.split(/\s+/)

describe('parseActionCommand', () => {
  it('reads the incident, the escaped mention, an optional due day and the text', () => {
    expect(parseActionCommand(words('INC-7 <@U0ALICE|alice> due 2026-03-20 add an index on orders(created_at)'))).toEqual({
      ok: true,
      incidentNumber: 7,
      action: { owner: 'U0ALICE', dueOn: '2026-03-20', text: 'add an index on orders(created_at)' },
    })
    expect(parseActionCommand(words('inc-7 <@W123> write the runbook'))).toEqual({
      ok: true,
      incidentNumber: 7,
      action: { owner: 'W123', dueOn: null, text: 'write the runbook' },
    })
  })

  it('says what is wrong', () => {
    const problem = (text: string) => {
      const parsed = parseActionCommand(words(text))
      return parsed.ok ? null : parsed.problem
    }
    expect(problem('<@U1> INC-7 text')).toMatch(/Name the incident first/)
    expect(problem('INC-7 @alice text')).toMatch(/Mention the owner/)
    expect(problem('INC-7 <!channel> text')).toMatch(/Mention the owner/)
    expect(problem('INC-7 <@U1> due tomorrow text')).toMatch(/YYYY-MM-DD/)
    expect(problem('INC-7 <@U1> due 2026-02-30 text')).toMatch(/does not exist/)
    expect(problem('INC-7 <@U1> due 2026-02-28')).toBe('Say what should be done.')
    expect(problem(`INC-7 <@U1> ${'x'.repeat(1001)}`)).toMatch(/under 1000/)
  })
})

describe('isOverdue', () => {
  it('is overdue from the day after the due day, never without one', () => {
    expect(isOverdue('2026-03-20', '2026-03-20')).toBe(false)
    expect(isOverdue('2026-03-20', '2026-03-21')).toBe(true)
    expect(isOverdue(null, '2030-01-01')).toBe(false)
  })
})
