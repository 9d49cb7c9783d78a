import type { ApprovalActionPreview } from './approval-action-preview'

/** An approval request as people are shown it: what would run, why, its state and the approvals so far. */
export interface ApprovalRequestView {
  id: string
  action: ApprovalActionPreview
  rationale: string
  confidence: number | null
  status: 'pending' | 'approved' | 'rejected' | 'expired'
  decidedBy: string | null
  decidedAt: Date | null
  expiresAt: Date
  approvers: string[]
  minApprovals: number
  /** Who has approved so far, in order. */
  approvedBy: string[]
}
