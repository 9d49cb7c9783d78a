import { describe, expect, it } from 'vitest'
import { approvalExpiresAt, requiredApprovals } from '../../../../src/core/approvals/approval-requirements'

describe('requiredApprovals', () => {
  it('takes what the playbook asks for low and medium risk', () => {
    expect(requiredApprovals(1, 'low')).toBe(1)
    expect(requiredApprovals(3, 'medium')).toBe(3)
  })

  it('needs two people for a high-risk action even when the playbook asks for one', () => {
    expect(requiredApprovals(1, 'high')).toBe(2)
  })

  it('keeps a higher playbook minimum on a high-risk action', () => {
    expect(requiredApprovals(3, 'high')).toBe(3)
  })
})

describe('approvalExpiresAt', () => {
  const requestedAt = new Date('2026-01-01T10:00:00Z')

  it("uses the playbook's expiresIn when it is under the deployment's limit", () => {
    expect(approvalExpiresAt(requestedAt, 15 * 60_000, 60).toISOString()).toBe('2026-01-01T10:15:00.000Z')
  })

  it('caps it at APPROVAL_TTL_MINUTES', () => {
    expect(approvalExpiresAt(requestedAt, 4 * 3_600_000, 30).toISOString()).toBe('2026-01-01T10:30:00.000Z')
  })
})
