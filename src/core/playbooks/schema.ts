import { z } from 'zod'
import { METRIC_KINDS } from '../telemetry/port'

/**
 * A playbook is data: YAML in playbooks/, validated by this schema. Strings may use
 * `{{service}}`, `{{incident.title}}`, `{{env.NAME}}` (only allow-listed settings)
 * and `{{steps.<id>.value}}` placeholders, rendered by renderTemplate().
 */

const stepId = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'step ids are lowercase kebab-case, e.g. "check-pool"')

const durationSchema = z.string().regex(/^\d+(s|m|h)$/, 'durations look like "90s", "15m" or "2h"')

/** A person (U…, W…) or a user group (S…), as the approval gates name them. */
const slackPersonOrGroup = z.string().regex(/^[UWS][A-Z0-9]{2,}$/, 'a Slack user id (U…) or user-group id (S…)')

const comparisonSchema = z.enum(['>', '>=', '<', '<='])

const assertionSchema = z.object({
  /** Statistic over the queried window (metrics) or count of matching items (logs, errors, traces). */
  stat: z.enum(['max', 'min', 'mean', 'last', 'p95', 'count']),
  op: comparisonSchema,
  value: z.number(),
  /** Human wording for the trail, e.g. "pool above 90% of max". */
  description: z.string().min(1).max(200),
})

const baseStep = {
  id: stepId,
  title: z.string().min(1).max(150),
  /** Why this step exists, shown to the on-call engineer. */
  description: z.string().max(1000).optional(),
  timeout: durationSchema.optional(),
}

const queryStep = z
  .object({
    ...baseStep,
    kind: z.literal('query'),
    source: z.enum(['metrics', 'logs', 'errors', 'traces']),
    /** Defaults to the incident's service; may be a template such as "{{service}}". */
    service: z.string().optional(),
    metric: z.enum(METRIC_KINDS).optional(),
    /** For logs: substring the message must contain. */
    contains: z.string().max(200).optional(),
    minSeverity: z.enum(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']).optional(),
    /** How far back from the incident's start to look. */
    window: durationSchema.default('30m'),
    assert: assertionSchema,
  })
  .refine((s) => s.source !== 'metrics' || s.metric !== undefined, {
    message: 'a metrics query needs a "metric"',
    path: ['metric'],
  })

const approvalStep = z.object({
  ...baseStep,
  kind: z.literal('approval'),
  /** The action step this gate protects; its dry-run preview is shown to approvers. */
  for: stepId,
  approvers: z.array(slackPersonOrGroup).optional(),
  minApprovals: z.number().int().min(1).max(5).default(1),
  expiresIn: durationSchema.default('30m'),
  /** Who is paged when nobody decides in time (user or group ids); defaults to ESCALATION_CONTACTS. */
  escalateTo: z.array(slackPersonOrGroup).optional(),
  /**
   * The playbook allows this gate to pass without a human when the configured policy
   * allows it too (AUTO_APPROVE_MAX_RISK, AUTO_APPROVE_MIN_CONFIDENCE). Never for high risk.
   */
  autoApprove: z.object({ maxRisk: z.enum(['low', 'medium']), minConfidence: z.number().min(0).max(1) }).optional(),
})

const webhookAction = z.object({
  type: z.literal('webhook'),
  method: z.enum(['POST', 'PUT']).default('POST'),
  url: z.string().min(1),
  body: z.record(z.string(), z.unknown()).default({}),
})

/** A number written as a placeholder filled from the run's inputs, e.g. "{{scale.to}}" (checked again when rendered). */
const countPlaceholder = z.string().regex(/^\{\{\s*[a-zA-Z0-9_.-]+\s*\}\}$/, 'a count is a number or one placeholder such as "{{scale.to}}"')

/**
 * A GKE/Kubernetes Deployment change through the Kubernetes API; previewed with a server-side dry run.
 * `autoscaler-max` sets the maxReplicas of the HorizontalPodAutoscaler that scales the Deployment to `replicas`.
 */
const kubernetesAction = z
  .object({
    type: z.literal('kubernetes'),
    operation: z.enum(['scale', 'rollout-restart', 'autoscaler-max']),
    namespace: z.string().min(1),
    deployment: z.string().min(1),
    /** scale: the replica count to set (autoscaler-max: the new HPA max)… */
    replicas: z.union([z.number().int().min(0).max(1000), countPlaceholder]).optional(),
    /** …or a factor of the current count (rounded up), bounded by maxReplicas. */
    scaleBy: z.number().positive().max(10).optional(),
    maxReplicas: z.number().int().min(1).max(1000).default(100),
  })
  .refine((a) => a.operation !== 'scale' || (a.replicas === undefined) !== (a.scaleBy === undefined), {
    message: 'a scale action needs exactly one of "replicas" or "scaleBy"',
    path: ['replicas'],
  })
  .refine((a) => a.operation !== 'autoscaler-max' || (a.replicas !== undefined && a.scaleBy === undefined), {
    message: 'an autoscaler-max action needs "replicas" (the new HPA max) and no "scaleBy"',
    path: ['replicas'],
  })

const actionStep = z.object({
  ...baseStep,
  kind: z.literal('action'),
  risk: z.enum(['low', 'medium', 'high']),
  action: z.discriminatedUnion('type', [webhookAction, kubernetesAction]),
  /** One-line human preview of the effect, e.g. "Restart pgbouncer on {{service}}". */
  preview: z.string().min(1).max(300),
})

const notifyStep = z.object({
  ...baseStep,
  kind: z.literal('notify'),
  message: z.string().min(1).max(2000),
  /** Also tell a channel (C…) or a person (U…, by DM), beyond the incident thread. */
  to: z
    .array(z.string().regex(/^[CGUW][A-Z0-9]{2,}$/))
    .max(10)
    .optional(),
})

/** A branch target that finishes the run. */
export const BRANCH_END = 'end'

/** An HTTP probe of an endpoint (health check, status page); read-only. */
const checkStep = z.object({
  ...baseStep,
  kind: z.literal('check'),
  method: z.enum(['GET', 'HEAD']).default('GET'),
  url: z.string().min(1),
  /** Statuses that count as healthy; default any 2xx or 3xx. */
  expectStatus: z.array(z.number().int().min(100).max(599)).optional(),
  /** Text the body must contain to count as healthy. */
  contains: z.string().max(200).optional(),
})

/** Goes to `then` when the named earlier step's assertion held, else to `else`: later steps, or `end` to finish the run. */
const branchStep = z.object({
  ...baseStep,
  kind: z.literal('branch'),
  if: z.object({ step: stepId, passed: z.boolean().default(true) }),
  // biome-ignore lint/suspicious/noThenProperty: `then`/`else` are the playbook format's branch targets, never awaited
  then: stepId,
  else: stepId,
})

/** Something a person does by hand and confirms with a button in the thread. */
const manualStep = z.object({
  ...baseStep,
  kind: z.literal('manual'),
  instruction: z.string().min(1).max(2000),
})

export const playbookStepSchema = z.discriminatedUnion('kind', [queryStep, checkStep, branchStep, manualStep, approvalStep, actionStep, notifyStep])
export type PlaybookStep = z.infer<typeof playbookStepSchema>
export type QueryStep = z.infer<typeof queryStep>
export type ApprovalStep = z.infer<typeof approvalStep>
export type ActionStep = z.infer<typeof actionStep>
export type CheckStep = z.infer<typeof checkStep>
export type BranchStep = z.infer<typeof branchStep>
export type ManualStep = z.infer<typeof manualStep>

export const playbookSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{2,62}$/),
    title: z.string().min(1).max(150),
    version: z.number().int().min(1),
    description: z.string().max(2000),
    /**
     * Who decides the edits the bot proposes for this playbook (user ids U…/W… or user-group ids S…), and who may revert
     * a version; without owners, the APPROVERS setting decides.
     */
    owners: z.array(slackPersonOrGroup).min(1).max(20).optional(),
    /** When the playbook applies; any matching rule counts, more matches rank higher. */
    match: z.object({
      services: z.array(z.string()).default([]),
      resourceTypes: z.array(z.string()).default([]),
      policies: z.array(z.string()).default([]),
      keywords: z.array(z.string().min(2)).min(1),
    }),
    steps: z.array(playbookStepSchema).min(1).max(40),
  })
  .superRefine((pb, ctx) => {
    const ids = new Set<string>()
    pb.steps.forEach((step, i) => {
      if (step.id === BRANCH_END)
        ctx.addIssue({ code: 'custom', message: `"${BRANCH_END}" is reserved for branches; name the step differently`, path: ['steps', i, 'id'] })
      if (ids.has(step.id)) ctx.addIssue({ code: 'custom', message: `duplicate step id "${step.id}"`, path: ['steps', i, 'id'] })
      ids.add(step.id)
    })
    pb.steps.forEach((step, i) => {
      if (step.kind !== 'approval') return
      const target = pb.steps.findIndex((s) => s.id === step.for)
      if (target === -1 || pb.steps[target]?.kind !== 'action') {
        ctx.addIssue({ code: 'custom', message: `approval "${step.id}" must name a later action step in "for"`, path: ['steps', i, 'for'] })
      } else if (target < i) {
        ctx.addIssue({ code: 'custom', message: `approval "${step.id}" must come before the action "${step.for}"`, path: ['steps', i, 'for'] })
      }
    })
    pb.steps.forEach((step, i) => {
      if (step.kind !== 'branch') return
      const index = (id: string) => (id === BRANCH_END ? pb.steps.length : pb.steps.findIndex((s) => s.id === id))
      const source = index(step.if.step)
      if (source === -1 || source >= i)
        ctx.addIssue({ code: 'custom', message: `branch "${step.id}" must test an earlier step, not "${step.if.step}"`, path: ['steps', i, 'if', 'step'] })
      for (const key of ['then', 'else'] as const) {
        const target = index(step[key])
        // Forward only (no loops), and never straight onto an action: its approval gate must run first.
        if (target <= i)
          ctx.addIssue({ code: 'custom', message: `branch "${step.id}" ${key} must name a later step, not "${step[key]}"`, path: ['steps', i, key] })
        else if (pb.steps[target]?.kind === 'action')
          ctx.addIssue({
            code: 'custom',
            message: `branch "${step.id}" cannot jump onto the action "${step[key]}"; jump to its approval step`,
            path: ['steps', i, key],
          })
      }
    })
    pb.steps.forEach((step, i) => {
      if (step.kind !== 'approval' || !step.autoApprove) return
      const target = pb.steps.find((s) => s.id === step.for)
      if (target?.kind === 'action' && target.risk === 'high') {
        ctx.addIssue({
          code: 'custom',
          message: `approval "${step.id}" cannot auto-approve the high-risk action "${target.id}"`,
          path: ['steps', i, 'autoApprove'],
        })
      }
    })
    pb.steps.forEach((step, i) => {
      if (step.kind !== 'action') return
      const gated = pb.steps.some((s, j) => j < i && s.kind === 'approval' && s.for === step.id)
      if (!gated) ctx.addIssue({ code: 'custom', message: `action "${step.id}" has no approval step before it`, path: ['steps', i] })
    })
  })
export type Playbook = z.infer<typeof playbookSchema>
