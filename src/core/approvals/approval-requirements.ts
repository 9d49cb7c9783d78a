import { MINUTE_MS } from '../durations'

/** Distinct approvers a gate needs: high-risk actions need two people whatever the playbook says. */
export function requiredApprovals(playbookMinimum: number, risk: 'low' | 'medium' | 'high'): number {
  return Math.max(playbookMinimum, risk === 'high' ? 2 : 1)
}

/** When a request expires: the playbook's `expiresIn`, capped by the deployment's APPROVAL_TTL_MINUTES. */
export function approvalExpiresAt(requestedAt: Date, expiresInMs: number, ttlMinutes: number): Date {
  return new Date(requestedAt.getTime() + Math.min(expiresInMs, ttlMinutes * MINUTE_MS))
}
