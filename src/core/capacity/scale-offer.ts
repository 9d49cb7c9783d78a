import { z } from 'zod'
import type { EvidenceItem } from '../analysis/evidence'
import { playbookSchema, type Playbook } from '../playbooks/schema'

/**
 * What the Scale button of a saturation analysis proposes: the capacity evidence's first suggestion that
 * adds replicas (more replicas, or a higher HPA max) on a Deployment the settings were read from.
 */
export const scaleOfferSchema = z.object({
  service: z.string().min(1),
  namespace: z.string().min(1),
  deployment: z.string().min(1),
  kind: z.enum(['replicas', 'hpa-max']),
  from: z.number().int().min(0),
  to: z.number().int().min(1).max(1000),
  /** The suggestion's line, with its arithmetic: shown on the offer and in the approval's rationale. */
  summary: z.string(),
})
export type ScaleOffer = z.infer<typeof scaleOfferSchema>

const capacityDataSchema = z.object({
  service: z.string(),
  deployment: z.object({ namespace: z.string(), name: z.string() }).nullable(),
  recommendations: z.array(z.object({ kind: z.string(), from: z.number(), to: z.number(), summary: z.string() })),
})

/** The Scale offer in an analysis' evidence, or null when its capacity evidence suggests no scale-up of a Deployment. */
export function scaleOfferOf(evidence: readonly Pick<EvidenceItem, 'data'>[]): ScaleOffer | null {
  for (const item of evidence) {
    const data = capacityDataSchema.safeParse(item.data)
    if (!data.success || !data.data.deployment) continue
    const up = data.data.recommendations.find((r) => (r.kind === 'replicas' || r.kind === 'hpa-max') && r.to > r.from)
    if (!up) continue
    const offer = scaleOfferSchema.safeParse({
      service: data.data.service,
      namespace: data.data.deployment.namespace,
      deployment: data.data.deployment.name,
      kind: up.kind,
      from: up.from,
      to: up.to,
      summary: up.summary,
    })
    if (offer.success) return offer.data
  }
  return null
}

const gate = {
  id: 'approve-scale',
  kind: 'approval' as const,
  title: 'Approve the change',
  for: 'scale',
  expiresIn: '30m',
}

/**
 * The runs behind the Scale button: an approval gate, then the change, with the numbers as run
 * inputs (`scale.*`), so the approval shows the dry run with them and the action runs once under its key.
 * Not in the playbook catalogue: never offered or started on their own.
 */
export const CAPACITY_SCALE_PLAYBOOKS: Record<ScaleOffer['kind'], Playbook> = {
  replicas: playbookSchema.parse({
    id: 'capacity-scale-replicas',
    title: 'Scale to the suggested replicas',
    version: 1,
    description: 'Runs the replica count the capacity suggestion computed for the forecast peak.',
    match: { keywords: ['capacity'] },
    steps: [
      gate,
      {
        id: 'scale',
        kind: 'action',
        title: 'Scale {{scale.namespace}}/{{scale.deployment}} to {{scale.to}} replicas',
        risk: 'medium',
        action: { type: 'kubernetes', operation: 'scale', namespace: '{{scale.namespace}}', deployment: '{{scale.deployment}}', replicas: '{{scale.to}}' },
        preview: 'Scale {{scale.deployment}} from {{scale.from}} to {{scale.to}} replicas: {{scale.summary}}',
      },
    ],
  }),
  'hpa-max': playbookSchema.parse({
    id: 'capacity-raise-hpa-max',
    title: 'Raise the autoscaler max to the suggestion',
    version: 1,
    description: "Raises the HorizontalPodAutoscaler's max to what the capacity suggestion computed for the forecast peak.",
    match: { keywords: ['capacity'] },
    steps: [
      gate,
      {
        id: 'scale',
        kind: 'action',
        title: 'Raise the HPA max of {{scale.namespace}}/{{scale.deployment}} to {{scale.to}}',
        risk: 'medium',
        action: {
          type: 'kubernetes',
          operation: 'autoscaler-max',
          namespace: '{{scale.namespace}}',
          deployment: '{{scale.deployment}}',
          replicas: '{{scale.to}}',
        },
        preview: 'Raise the HPA max of {{scale.deployment}} from {{scale.from}} to {{scale.to}}: {{scale.summary}}',
      },
    ],
  }),
}
