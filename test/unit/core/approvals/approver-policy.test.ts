import { describe, expect, it } from 'vitest'
import { isApprover } from '../../../../src/core/approvals/approver-policy'

const groups: Record<string, string[]> = { S0ONCALL: ['U1', 'U2'] }
const membersOf = async (g: string) => groups[g] ?? []

describe('isApprover', () => {
  it('accepts a listed user id', async () => {
    expect(await isApprover('U9', ['U9'], membersOf)).toBe(true)
  })

  it('accepts a member of a listed user group', async () => {
    expect(await isApprover('U2', ['S0ONCALL'], membersOf)).toBe(true)
  })

  it('refuses everyone else', async () => {
    expect(await isApprover('U3', ['S0ONCALL', 'U9'], membersOf)).toBe(false)
  })

  it('refuses everyone when no approvers are configured', async () => {
    expect(await isApprover('U1', [], membersOf)).toBe(false)
  })
})
