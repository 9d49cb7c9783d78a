import { PermanentJobError } from '../core/errors'
import type { Logger } from '../logger'
import { jobSchemas, type EnqueueOptions, type JobData, type JobName, type JobQueue, type ScheduleTiming } from '../core/jobs/job-queue'
import { cronMatches, parseCronPattern, type CronPattern } from '../core/jobs/cron-pattern'
import { MINUTE_MS } from '../core/durations'
import { JOB_ATTEMPTS, JOB_BACKOFF_MS, type JobHandlers } from './jobs'

/**
 * Embedded mode's queue: runs the same handlers the BullMQ workers run, in this
 * process, with the same payload validation, retries and duplicate-id suppression.
 */
export class InProcessJobQueue implements JobQueue {
  private handlers: JobHandlers | null = null
  private readonly seenIds = new Set<string>()
  private readonly running = new Set<Promise<void>>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly schedules = new Map<string, NodeJS.Timeout>()
  private counter = 0
  private closed = false

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Handlers need the queue (to chain jobs), so they are attached after construction. */
  attach(handlers: JobHandlers): void {
    this.handlers = handlers
  }

  async enqueue<N extends JobName>(name: N, data: JobData<N>, options: EnqueueOptions = {}): Promise<void> {
    if (this.closed) throw new Error('queue is closed')
    const payload = jobSchemas[name].parse(data)
    const jobId = options.jobId ?? `${name}-${++this.counter}`
    if (options.jobId) {
      if (this.seenIds.has(jobId)) return
      this.seenIds.add(jobId)
    }
    const start = () => this.track(this.run(name, payload as JobData<N>, jobId))
    if (options.delayMs && options.delayMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        start()
      }, options.delayMs)
      timer.unref()
      this.timers.add(timer)
    } else {
      setImmediate(start)
      // Count it as running from now, so idle() cannot miss a job about to start.
      this.track(new Promise<void>((resolve) => setImmediate(resolve)))
    }
  }

  private track(p: Promise<void>): void {
    this.running.add(p)
    void p.finally(() => this.running.delete(p))
  }

  private async run<N extends JobName>(name: N, data: JobData<N>, jobId: string): Promise<void> {
    if (!this.handlers) throw new Error('no job handlers attached')
    const handler = this.handlers[name] as (d: unknown, m: { jobId: string; attempt: number }) => Promise<void>
    for (let attempt = 1; attempt <= JOB_ATTEMPTS; attempt++) {
      try {
        await handler(data, { jobId, attempt })
        return
      } catch (err) {
        const permanent = err instanceof PermanentJobError
        this.logger.error({ err, job: jobId, queue: name, attempt }, 'job failed')
        if (permanent || attempt === JOB_ATTEMPTS) return
        await new Promise((r) => setTimeout(r, JOB_BACKOFF_MS * 2 ** (attempt - 1)))
      }
    }
  }

  /** A timer in this process (embedded mode has one); a run still going when the next is due is not doubled. */
  async schedule<N extends JobName>(schedulerId: string, name: N, data: JobData<N>, options: ScheduleTiming): Promise<void> {
    if (this.closed) throw new Error('queue is closed')
    const payload = jobSchemas[name].parse(data) as JobData<N>
    await this.unschedule(schedulerId)
    let running = false
    const fire = () => {
      if (running) return
      running = true
      this.track(
        this.run(name, payload, `${schedulerId}-${++this.counter}`).finally(() => {
          running = false
        }),
      )
    }
    if ('cron' in options) {
      this.scheduleCron(schedulerId, parseCronPattern(options.cron), options.timeZone, fire)
      return
    }
    const timer = setInterval(fire, options.everyMs)
    timer.unref()
    this.schedules.set(schedulerId, timer)
  }

  /** Wakes at the start of every minute and fires when the pattern matches it; each minute fires at most once. */
  private scheduleCron(schedulerId: string, cron: CronPattern, timeZone: string, fire: () => void): void {
    let lastMinute = -1
    const wake = () => {
      const now = this.now()
      const minute = Math.floor(now / MINUTE_MS)
      if (minute !== lastMinute && cronMatches(cron, new Date(minute * MINUTE_MS), timeZone)) {
        lastMinute = minute
        fire()
      }
      const timer = setTimeout(wake, MINUTE_MS - (now % MINUTE_MS) + 5)
      timer.unref()
      this.schedules.set(schedulerId, timer)
    }
    const timer = setTimeout(wake, MINUTE_MS - (this.now() % MINUTE_MS) + 5)
    timer.unref()
    this.schedules.set(schedulerId, timer)
  }

  async unschedule(schedulerId: string): Promise<void> {
    const timer = this.schedules.get(schedulerId)
    clearInterval(timer)
    clearTimeout(timer)
    this.schedules.delete(schedulerId)
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('queue is closed')
  }

  /** Resolves when no job is running or about to start (delayed jobs excluded). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running])
  }

  async close(): Promise<void> {
    this.closed = true
    for (const t of this.timers) clearTimeout(t)
    for (const id of [...this.schedules.keys()]) await this.unschedule(id)
    await this.idle()
  }
}
