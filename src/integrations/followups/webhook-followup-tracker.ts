import { z } from 'zod'
import { CodedError } from '../../core/errors'
import type { FollowupIssue, FollowupTracker } from '../../core/incidents/followup-action'

const answerSchema = z.object({ url: z.url().optional(), html_url: z.url().optional() }).loose()

/** FOLLOWUP_WEBHOOK_URL: each action POSTed as JSON with an `Idempotency-Key` header; the answer's `url` (or `html_url`) kept. */
export class WebhookFollowupTracker implements FollowupTracker {
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async file(issue: FollowupIssue, idempotencyKey: string): Promise<{ url: string | null }> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify({ ...issue, idempotency_key: idempotencyKey }),
      signal: AbortSignal.timeout(this.timeoutMs),
    })
    if (!res.ok) throw new CodedError('followup_webhook_failed', `FOLLOWUP_WEBHOOK_URL answered ${res.status}`)
    const body = await res.text()
    let json: unknown = null
    try {
      json = body ? JSON.parse(body) : null
    } catch {
      // Not JSON: the issue was filed, with no link to keep.
    }
    const answer = answerSchema.safeParse(json)
    return { url: answer.success ? (answer.data.url ?? answer.data.html_url ?? null) : null }
  }
}
