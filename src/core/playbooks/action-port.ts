import { z } from 'zod'
import { CodedError } from '../errors'
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
  /** Sets the maxReplicas of the HorizontalPodAutoscaler that scales the Deployment. */
  z.object({
    type: z.literal('kubernetes'),
    operation: z.literal('autoscaler-max'),
    namespace: z.string(),
    deployment: z.string(),
    maxReplicas: z.number().int().min(1),
  }),
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
  const replicas = action.replicas === undefined ? undefined : renderCount(action.replicas, vars)
  if (action.operation === 'autoscaler-max') return { type: 'kubernetes', operation: 'autoscaler-max', ...target, maxReplicas: Math.max(1, replicas ?? 1) }
  return { type: 'kubernetes', operation: 'scale', ...target, replicas, scaleBy: action.scaleBy, maxReplicas: action.maxReplicas }
}

/** A replica count from a number or a placeholder; a placeholder that does not give a whole number 0..1000 is refused. */
function renderCount(value: number | string, vars: Record<string, unknown>): number {
  if (typeof value === 'number') return value
  const text = renderTemplate(value, vars)
  const count = Number(text)
  if (!/^\d+$/.test(text) || count > 1000) throw new CodedError('action_parameter_invalid', `"${value}" gave "${text}", not a replica count (0–1000)`)
  return count
}
