import { z } from 'zod'
import { actionRequestSchema } from '../playbooks/action-port'

/** The action an approval request is about, as approvers see it and as it will run; stored with the request and parsed on read. */
export const approvalActionPreviewSchema = z.object({
  stepId: z.string(),
  title: z.string(),
  preview: z.string(),
  risk: z.enum(['low', 'medium', 'high']),
  method: z.string(),
  /** Where the action goes: a webhook URL, or a Kubernetes object. */
  url: z.string(),
  body: z.record(z.string(), z.unknown()),
  /** What the dry run said, e.g. "dry run accepted: 3 → 6 replicas". */
  dryRun: z.string().optional(),
  /** The exact request approved; this, and nothing rendered later, is what runs. */
  request: actionRequestSchema.optional(),
})
export type ApprovalActionPreview = z.infer<typeof approvalActionPreviewSchema>
