import type { ActionExecutor, ActionPreview, ActionRequest, ActionResult } from '../../core/playbooks/action-port'
import { CodedError } from '../../core/errors'

type WebhookRequest = Extract<ActionRequest, { type: 'webhook' }>

/** Calls an HTTP webhook of the team's automation (Cloud Run job, Argo, Rundeck, ...). */
export class WebhookActionExecutor implements ActionExecutor {
  constructor(private readonly options: { token?: string; timeoutMs?: number; allowedBaseUrl?: string }) {}

  async preview(request: ActionRequest): Promise<ActionPreview> {
    const webhook = this.check(request)
    return { method: webhook.method, target: webhook.url, body: webhook.body, summary: 'the request above is sent once approved', request: webhook }
  }

  async execute(request: ActionRequest, options: { idempotencyKey: string; timeoutMs: number }): Promise<ActionResult> {
    const webhook = this.check(request)
    const res = await fetch(webhook.url, {
      method: webhook.method,
      headers: {
        'content-type': 'application/json',
        'idempotency-key': options.idempotencyKey,
        ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
      },
      body: JSON.stringify(webhook.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? this.options.timeoutMs ?? 15_000),
    })
    const text = (await res.text()).slice(0, 500)
    return { ok: res.ok, detail: `${res.status} ${res.statusText}${text ? `: ${text}` : ''}` }
  }

  private check(request: ActionRequest): WebhookRequest {
    if (request.type !== 'webhook') throw new CodedError('action_type_mismatch', `not a webhook action: ${request.type}`)
    if (!/^https?:\/\//.test(request.url))
      throw new CodedError('action_url_invalid', `action URL "${request.url}" is not http(s); is AUTOMATION_WEBHOOK_URL set?`)
    if (this.options.allowedBaseUrl && !request.url.startsWith(this.options.allowedBaseUrl)) {
      throw new CodedError('action_url_not_allowed', `action URL ${request.url} is outside AUTOMATION_WEBHOOK_URL`)
    }
    return request
  }
}
