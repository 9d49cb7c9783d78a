import { z } from 'zod'
import { MINUTE_MS } from '../durations'
import { severitySchema } from '../incidents/types'
import { playbookEditSuggestionSchema } from '../playbooks/playbook-proposal'

/**
 * The port through which the bot, the alert routes and the workers hand work to the workers:
 * every background job's name and the zod schema of its payload, and the queue that takes them.
 */
/** The longest description `/sre analyze` or a mention may open an incident from. */
export const ANALYZE_TEXT_MAX_CHARS = 3000

// Job names are commands, `<subject>.<verb>`: what the job does, not what happened before it.
export const jobSchemas = {
  /** `settled`: enqueued again after waiting to see whether a storm forms (see core/incidents/storm.ts). */
  'incident.analyze': z.object({ incidentId: z.uuid(), settled: z.boolean().optional() }),
  'incident.announce-resolution': z.object({ incidentId: z.uuid() }),
  /** Posts the post-incident review draft in the thread, once per `version` (the resolution's recorded-at, or a requested redraft). */
  'incident.draft-review': z.object({ incidentId: z.uuid(), version: z.string().min(1).max(100) }),
  /** A follow-up action was added: says so in the thread and files it with FOLLOWUP_WEBHOOK_URL, once. */
  'followup.announce': z.object({ actionId: z.uuid() }),
  /** A sender's "send a test" button: say in the incident channel that its notifications arrive. */
  'test-notification.announce': z.object({
    notificationId: z.uuid(),
    sender: z.string().min(1).max(100),
    policy: z.string().max(500).nullable(),
  }),
  /** Shows the members that joined a storm since the last redraw in its first incident's thread, and the count on its root message. */
  'incident.show-storm': z.object({ incidentId: z.uuid() }),
  /** `/sre analyze <text>` or a mention: opens an incident from the text and analyses it. */
  'incident.open-and-analyze': z.object({
    text: z.string().min(1).max(ANALYZE_TEXT_MAX_CHARS),
    userId: z.string().min(1),
    channelId: z.string().min(1),
    requestedAt: z.iso.datetime(),
  }),
  /** `/sre declare`: opens the incident a person declared (they or the one they named lead it), then analyses it. */
  'incident.declare': z.object({
    /** The Declare modal's view id: the same submission retried opens one incident. */
    requestId: z.string().min(1).max(100),
    title: z.string().trim().min(1).max(200),
    service: z.string().max(100).nullable(),
    severity: severitySchema,
    description: z.string().max(ANALYZE_TEXT_MAX_CHARS),
    commanderId: z.string().min(1),
    userId: z.string().min(1),
    channelId: z.string().min(1),
    requestedAt: z.iso.datetime(),
  }),
  /** Shows the incident as stored on its root message, after a person changed it (acknowledged, updated, re-ranked, handed over). */
  'incident.refresh-root': z.object({ incidentId: z.uuid() }),
  'playbook.advance': z.object({ executionId: z.uuid() }),
  'approval.apply-decision': z.object({ approvalId: z.uuid() }),
  'approval.expire': z.object({ approvalId: z.uuid() }),
  'playbook.show-cancellation': z.object({ executionId: z.uuid() }),
  /** A person asked for a run (`/sre run`, a Run button); enqueue with playbookStartJobId. */
  'playbook.start': z.object({
    playbookId: z.string().min(1),
    incidentNumber: z.number().int().positive(),
    userId: z.string().min(1),
    channelId: z.string().min(1),
    /** Run parameters the steps' placeholders read (`{{scale.to}}`), beside the incident's own inputs, which they cannot replace. */
    parameters: z.record(z.string(), z.unknown()).optional(),
    /** Why it was asked for, for the approval message; defaults to "with /sre run". */
    reason: z.string().max(2000).optional(),
  }),
  /**
   * An incident's resolution was recorded: the figures of each playbook that ran on it are computed again and each new edit
   * they suggest is proposed (`playbook.propose-edit`), once per edit of a version.
   */
  'playbook.suggest-edits': z.object({ incidentId: z.uuid() }),
  /** Posts an edit suggested for a playbook to its owners for approval, once per edit of a version (enqueue with proposeEditJobId). */
  'playbook.propose-edit': playbookEditSuggestionSchema,
  /** Embeds the history again with the running model; `pass` counts the passes that left failures behind. */
  'history.reembed': z.object({ batchSize: z.number().int().min(1).max(1000).optional(), pass: z.number().int().min(0).optional() }),
  /** Scheduled: scores every service's recent metrics and warns before failures. */
  'telemetry.scan': z.object({}),
  /** Enqueued by every telemetry scan: decides which proactive warnings an incident confirmed and which were false alarms. */
  'warnings.score': z.object({}),
  /** Scheduled: enqueues the analysis or resolved notice of incidents stored while the queue was unreachable. */
  'incident.requeue-missed': z.object({}),
  'incident.remind-resolutions': z.object({}),
  /** Scheduled: reminds the owner of each overdue follow-up action in its incident's thread, once a day. */
  'followup.remind-overdue': z.object({}),
  /** Scheduled: derives the service blueprint's edges from a sample of recent traces and announces what changed. */
  'blueprint.refresh': z.object({}),
  /** Publishes the stale App Home dashboards of those who looked lately: one job per HOME_REFRESH_MIN_SECONDS window (homeRefreshJob). */
  'home.refresh': z.object({}),
  /** Scheduled: deletes log statistics past their retention, for every service. */
  'history.prune': z.object({}),
  /**
   * Posts the trend digest of [since, until) in `channel` (DIGEST_CHANNEL when absent) and uploads its charts in its thread, once
   * per period and channel. Without a period (the DIGEST_CRON schedule) it covers the 7 whole days before the day it runs.
   */
  'digest.post': z
    .object({
      since: z.iso.datetime().optional(),
      until: z.iso.datetime().optional(),
      channel: z.string().min(1).max(100).optional(),
      /** Who asked (`/sre digest`): told if it cannot be posted. */
      requestedBy: z.string().min(1).max(100).optional(),
    })
    .refine((d) => (d.since === undefined) === (d.until === undefined), 'since and until come together')
    .refine((d) => d.since === undefined || d.until === undefined || Date.parse(d.since) < Date.parse(d.until), 'until must be after since'),
} as const

export type JobName = keyof typeof jobSchemas
export type JobData<N extends JobName> = z.infer<(typeof jobSchemas)[N]>
export const JOB_NAMES = Object.keys(jobSchemas) as JobName[]

/** How often a scheduled job runs: a fixed interval, or a cron pattern read in an IANA time zone. */
export type ScheduleTiming = { everyMs: number } | { cron: string; timeZone: string }

export interface EnqueueOptions {
  /** Same id twice enqueues once (BullMQ ignores a duplicate job id). */
  jobId?: string
  delayMs?: number
}

/** Where work is handed to the workers: BullMQ on Redis, or in-process in embedded mode. */
export interface JobQueue {
  enqueue<N extends JobName>(name: N, data: JobData<N>, options?: EnqueueOptions): Promise<void>
  /**
   * Runs the job every `everyMs`, or at each minute matching a five-field `cron` pattern on `timeZone`'s wall clock;
   * the same `schedulerId` from any number of processes is one schedule.
   */
  schedule<N extends JobName>(schedulerId: string, name: N, data: JobData<N>, options: ScheduleTiming): Promise<void>
  /** Stops a schedule of job `name`; nothing happens when there is none. */
  unschedule(schedulerId: string, name: JobName): Promise<void>
  /** Resolves when the queue answers now (readiness); rejects, within a short deadline, when it cannot. */
  ping(): Promise<void>
  close(): Promise<void>
}

/**
 * One start per playbook, incident and minute: a double click or a repeated command enqueues once
 * (the processor also refuses a second run while one is active).
 */
export function playbookStartJobId(playbookId: string, incidentNumber: number, at: Date): string {
  return jobIdFor('start', playbookId, incidentNumber, Math.floor(at.getTime() / MINUTE_MS))
}

/** One proposal job per playbook version and kind of edit; the proposal itself is stored once per edit (its dedupe key). */
export function proposeEditJobId(suggestion: { playbookId: string; baseVersion: number; kind: string }, digest: string): string {
  return jobIdFor('propose', suggestion.playbookId, suggestion.baseVersion, suggestion.kind, digest)
}

/** The one analysis job of an incident: ingest and the sweep enqueue it under this id, so it runs once. */
export function analyzeJobId(incidentId: string): string {
  return jobIdFor('analyze', incidentId)
}

/** The one resolved notice of an incident, from ingest or the sweep. */
export function resolutionJobId(incidentId: string): string {
  return jobIdFor('resolved', incidentId)
}

/** The one review draft of an incident's version: a retried Save or command posts it once. */
export function reviewJobId(incidentId: string, version: string): string {
  return jobIdFor('review', incidentId, version)
}

/**
 * The sweep's own id for a resolution still unannounced: the first job may have run (and been kept as completed) before
 * the thread existed, and BullMQ ignores a job whose id it still holds.
 */
export function sweptResolutionJobId(incidentId: string): string {
  return jobIdFor('resolved', incidentId, 'swept')
}

/** Job ids must be strings without ":"; keep them readable. */
export function jobIdFor(...parts: Array<string | number>): string {
  return parts.join('-').replace(/[:]/g, '_')
}
