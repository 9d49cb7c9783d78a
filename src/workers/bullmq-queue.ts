import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq'
import { Redis } from 'ioredis'
import { withDeadline } from '../core/deadline'
import { CodedError, errorMessage, PermanentJobError } from '../core/errors'
import type { Logger } from '../logger'
import { JOB_NAMES, jobSchemas, type EnqueueOptions, type JobData, type JobName, type JobQueue, type ScheduleTiming } from '../core/jobs/job-queue'
import { JOB_ATTEMPTS, JOB_BACKOFF_MS, queueNameFor, type JobHandlers } from './jobs'

function connectionFor(url: string): Redis {
  // BullMQ workers need maxRetriesPerRequest null so blocking commands are not cut short.
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false })
}

/** How long an enqueue may wait for Redis: a webhook or a slash command must be answered within 2 s. */
export const ENQUEUE_DEADLINE_MS = 1500

/** Schedules are upserted in the background (worker start, the periodic re-apply): no one waits on them, so a slow Redis gets longer. */
const SCHEDULE_DEADLINE_MS = 10_000

/** While ioredis waits to reconnect, a command would wait with it (maxRetriesPerRequest null): fail at once instead. */
const DISCONNECTED = new Set(['reconnecting', 'close', 'end'])

const JOB_OPTIONS = {
  attempts: JOB_ATTEMPTS,
  backoff: { type: 'exponential', delay: JOB_BACKOFF_MS },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
}

/** Producer side: enqueues onto BullMQ queues; used by bot replicas and by workers chaining jobs. */
export class BullmqJobQueue implements JobQueue {
  private readonly connection: Redis
  private readonly queues = new Map<JobName, Queue>()

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly deadlineMs = ENQUEUE_DEADLINE_MS,
  ) {
    this.connection = connectionFor(redisUrl)
    // Without a listener ioredis prints every failed reconnection; the callers see the failure as queue_unavailable.
    this.connection.on('error', () => {})
  }

  private queue(name: JobName): Queue {
    let q = this.queues.get(name)
    if (!q) {
      q = new Queue(queueNameFor(name), { connection: this.connection as ConnectionOptions, prefix: this.prefix })
      q.on('error', () => {})
      this.queues.set(name, q)
    }
    return q
  }

  async enqueue<N extends JobName>(name: N, data: JobData<N>, options: EnqueueOptions = {}): Promise<void> {
    const payload = jobSchemas[name].parse(data)
    await this.withRedis(`enqueue ${name}`, () => this.queue(name).add(name, payload, { jobId: options.jobId, delay: options.delayMs, ...JOB_OPTIONS }))
  }

  /** Is Redis answering now? For /readyz. */
  async ping(): Promise<void> {
    await this.withRedis('ping', () => this.connection.ping())
  }

  /** Runs a Redis call within the deadline; an unreachable Redis is a queue_unavailable error, not a wait without end. */
  private async withRedis<T>(what: string, call: () => Promise<T>, deadlineMs = this.deadlineMs): Promise<T> {
    const unavailable = (reason: string) => new CodedError('queue_unavailable', `the job queue (Redis) is unavailable: ${reason}`, { operation: what })
    if (DISCONNECTED.has(this.connection.status)) throw unavailable(`connection ${this.connection.status}`)
    try {
      return await withDeadline(call(), deadlineMs, what)
    } catch (err) {
      throw unavailable(errorMessage(err))
    }
  }

  /** A BullMQ job scheduler: Redis holds one per id, so every worker replica may upsert it at start. */
  async schedule<N extends JobName>(schedulerId: string, name: N, data: JobData<N>, options: ScheduleTiming): Promise<void> {
    const payload = jobSchemas[name].parse(data)
    const repeat = 'cron' in options ? { pattern: options.cron, tz: options.timeZone } : { every: options.everyMs }
    await this.withRedis(
      `schedule ${name}`,
      () => this.queue(name).upsertJobScheduler(schedulerId, repeat, { name, data: payload, opts: JOB_OPTIONS }),
      SCHEDULE_DEADLINE_MS,
    )
  }

  async unschedule(schedulerId: string, name: JobName): Promise<void> {
    await this.withRedis(`unschedule ${name}`, () => this.queue(name).removeJobScheduler(schedulerId), SCHEDULE_DEADLINE_MS)
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()))
    await this.connection.quit().catch(() => undefined)
  }
}

/** Consumer side: one BullMQ Worker per job name, any number of replicas. */
export class BullmqWorkers {
  private readonly workers: Worker[] = []
  private readonly connections: Redis[] = []

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly handlers: JobHandlers,
    private readonly logger: Logger,
    private readonly concurrency: number,
    private readonly lockMs = 30_000,
  ) {}

  start(): void {
    for (const name of JOB_NAMES) {
      const connection = connectionFor(this.redisUrl)
      this.connections.push(connection)
      const worker = new Worker(
        queueNameFor(name),
        async (job) => {
          const parsed = jobSchemas[name].safeParse(job.data)
          if (!parsed.success) throw new UnrecoverableError(`invalid ${name} payload: ${parsed.error.message}`)
          const handler = this.handlers[name] as (d: unknown, m: { jobId: string; attempt: number }) => Promise<void>
          try {
            await handler(parsed.data, { jobId: job.id ?? '', attempt: job.attemptsMade + 1 })
          } catch (err) {
            if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message)
            throw err
          }
        },
        // A job whose worker died (lock not renewed) is stalled and handed to another worker.
        {
          connection: connection as ConnectionOptions,
          prefix: this.prefix,
          concurrency: this.concurrency,
          autorun: true,
          lockDuration: this.lockMs,
          stalledInterval: this.lockMs,
          maxStalledCount: 2,
        },
      )
      worker.on('failed', (job, err) => this.logger.error({ err, job: job?.id, queue: name, attempt: job?.attemptsMade }, 'job failed'))
      worker.on('error', (err) => this.logger.error({ err, queue: name }, 'worker error'))
      this.workers.push(worker)
    }
  }

  async waitUntilReady(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.waitUntilReady()))
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()))
    await Promise.all(this.connections.map((c) => c.quit().catch(() => undefined)))
  }
}
