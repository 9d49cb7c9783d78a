import type { IncomingMessage, ServerResponse } from 'node:http'
import { sql } from 'drizzle-orm'
import { withDeadline } from '../core/deadline'
import { errorMessage } from '../core/errors'
import type { JobQueue } from '../core/jobs/job-queue'
import type { HttpRoute } from '../ingest/alert-routes'
import type { Database } from '../storage/database'

/** A probe that waits longer than this is as good as a failure, and k8s' own timeout is 1 s by default. */
export const READINESS_DEADLINE_MS = 900

export interface Readiness {
  ready: boolean
  /** "ok", or why the service is not answering. */
  checks: { postgres: string; queue: string }
}

async function check(probe: () => Promise<unknown>, what: string): Promise<string> {
  try {
    await withDeadline(probe(), READINESS_DEADLINE_MS, what)
    return 'ok'
  } catch (err) {
    return errorMessage(err, { rootCause: true }).split('\n')[0]!
  }
}

/** Is every service this process needs answering now: Postgres (to store alerts) and the job queue (Redis). */
export async function checkReadiness(deps: { db: Database; queue: JobQueue }): Promise<Readiness> {
  const [postgres, queue] = await Promise.all([check(() => deps.db.execute(sql`select 1`), 'Postgres'), check(() => deps.queue.ping(), 'the job queue')])
  return { ready: postgres === 'ok' && queue === 'ok', checks: { postgres, queue } }
}

/** GET /readyz: 200 while Postgres and the queue answer, 503 (naming what is down) otherwise; /healthz stays liveness only. */
export function readinessRoute(deps: { db: Database; queue: JobQueue }): HttpRoute {
  return {
    path: '/readyz',
    method: ['GET'],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      void checkReadiness(deps).then((readiness) => {
        res.writeHead(readiness.ready ? 200 : 503, { 'content-type': 'application/json' })
        res.end(JSON.stringify(readiness))
      })
    },
  }
}
