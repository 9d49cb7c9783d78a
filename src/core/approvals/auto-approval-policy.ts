import type { ActionStep, ApprovalStep } from '../playbooks/schema'

/** The `decided_by` of a gate the configured policy passed without a human. */
export const AUTO_APPROVER = 'policy'

const RISK_ORDER = { low: 0, medium: 1, high: 2 } as const

export interface AutoApprovalPolicy {
  /** Highest risk the deployment allows to pass without a human. */
  maxRisk: 'none' | 'low' | 'medium'
  minConfidence: number
}

/**
 * Whether a gate passes without a human: only when the playbook step opts in AND the
 * configured policy allows it, the action is not high risk, and confidence clears both
 * thresholds. Returns the reason either way, for the trail and the audit log.
 */
export function decideAutoApproval(
  gate: ApprovalStep,
  action: ActionStep,
  confidence: number | null,
  policy: AutoApprovalPolicy,
): { auto: boolean; reason: string } {
  if (!gate.autoApprove) return { auto: false, reason: 'the playbook requires a human for this action' }
  if (policy.maxRisk === 'none') return { auto: false, reason: 'auto-approval is off (AUTO_APPROVE_MAX_RISK=none)' }
  if (action.risk === 'high') return { auto: false, reason: 'high-risk actions always need people' }
  const allowed = Math.min(RISK_ORDER[gate.autoApprove.maxRisk], RISK_ORDER[policy.maxRisk])
  if (RISK_ORDER[action.risk] > allowed) return { auto: false, reason: `${action.risk} risk is above what may be auto-approved` }
  const needed = Math.max(gate.autoApprove.minConfidence, policy.minConfidence)
  if (confidence === null || confidence < needed) {
    return {
      auto: false,
      reason:
        `confidence ${confidence === null ? 'unknown' : `${Math.round(confidence * 100)}%`} ` +
        `is below the ${Math.round(needed * 100)}% needed to auto-approve`,
    }
  }
  return {
    auto: true,
    reason: `${action.risk} risk, confidence ${Math.round(confidence * 100)}% ≥ ${Math.round(needed * 100)}%, allowed by the playbook and the policy`,
  }
}
