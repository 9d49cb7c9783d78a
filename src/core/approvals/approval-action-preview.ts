import type { ActionRequest } from '../playbooks/action-port'

/** The action an approval request is about, as approvers see it and as it will run. */
export interface ApprovalActionPreview {
  stepId: string
  title: string
  preview: string
  risk: 'low' | 'medium' | 'high'
  method: string
  /** Where the action goes: a webhook URL, or a Kubernetes object. */
  url: string
  body: Record<string, unknown>
  /** What the dry run said, e.g. "dry run accepted: 3 → 6 replicas". */
  dryRun?: string
  /** The exact request approved; this, and nothing rendered later, is what runs. */
  request?: ActionRequest
}
