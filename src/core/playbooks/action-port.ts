import { z } from 'zod'
import { renderDeep, renderTemplate, renderUrl } from './render-template'
import type { ActionStep } from './schema'

/** An action with every placeholder filled: exactly what an approver approves and a worker runs (and what is stored until then). */
export const actionRequestSchema = z.union([
  z.object({ type: z.literal('webhook'), method: z.enum(['POST', 'PUT']), url: z.string(), body: z.record(z.string(), z.unknown()) }),
  z.object({
    type: z.literal('kubernetes'),
    operation: z.literal('scale'),
    namespace: z.string(),
    deployment: z.string(),
    replicas: z.number().optional(),
    scaleBy: z.number().optional(),
    maxReplicas: z.number(),
  }),
  z.object({ type: z.literal('kubernetes'), operation: z.literal('rollout-restart'), namespace: z.string(), deployment: z.string() }),
])
export type ActionRequest = z.infer<typeof actionRequestSchema>

/** What the approval message shows: the call, its target, the body, and a dry-run summary. */
export interface ActionPreview {
  method: string
  target: string
  body: Record<string, unknown>
  summary: string
  /** The request to run if approved, made exact by the dry run (e.g. "scale by 2" resolved to "6 replicas"). */
  request: ActionRequest
}

export interface ActionResult {
  ok: boolean
  detail: string
}

/** Port through which approved playbook actions reach existing automation and clusters. */
export interface ActionExecutor {
  preview(request: ActionRequest): Promise<ActionPreview>
  /** Runs at most once per idempotency key, as far as the target allows. */
  execute(request: ActionRequest, options: { idempotencyKey: string; timeoutMs: number }): Promise<ActionResult>
}

/** Fills an action step's placeholders; values inserted into URLs are percent-encoded. */
export function renderActionRequest(action: ActionStep['action'], vars: Record<string, unknown>): ActionRequest {
  if (action.type === 'webhook') return { type: 'webhook', method: action.method, url: renderUrl(action.url, vars), body: renderDeep(action.body, vars) }
  const target = { namespace: renderTemplate(action.namespace, vars), deployment: renderTemplate(action.deployment, vars) }
  if (action.operation === 'rollout-restart') return { type: 'kubernetes', operation: 'rollout-restart', ...target }
  return { type: 'kubernetes', operation: 'scale', ...target, replicas: action.replicas, scaleBy: action.scaleBy, maxReplicas: action.maxReplicas }
}
