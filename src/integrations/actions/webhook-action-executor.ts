import { CodedError } from '../../core/errors'

export interface ActionRequest {
  method: string
  url: string
  body: Record<string, unknown>
  /** Sent as Idempotency-Key: the automation must run a key at most once. */
  idempotencyKey: string
  timeoutMs?: number
}

export interface ActionResult {
  ok: boolean
  status: number
  detail: string
}

/** Port through which approved playbook actions reach existing automation. */
export interface ActionExecutor {
  execute(request: ActionRequest): Promise<ActionResult>
}

/** Calls an HTTP webhook of the team's automation (Cloud Run job, Argo, Rundeck, ...). */
export class WebhookActionExecutor implements ActionExecutor {
  constructor(private readonly options: { token?: string; timeoutMs?: number; allowedBaseUrl?: string }) {}

  async execute(request: ActionRequest): Promise<ActionResult> {
    if (this.options.allowedBaseUrl && !request.url.startsWith(this.options.allowedBaseUrl)) {
      throw new CodedError('action_url_not_allowed', `action URL ${request.url} is outside AUTOMATION_WEBHOOK_URL`)
    }
    if (!/^https?:\/\//.test(request.url)) throw new CodedError('action_url_invalid', `action URL "${request.url}" is not http(s); is AUTOMATION_WEBHOOK_URL set?`)
    const res = await fetch(request.url, {
      method: request.method,
      headers: {
        'content-type': 'application/json',
        'idempotency-key': request.idempotencyKey,
        ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
      },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs ?? this.options.timeoutMs ?? 15_000),
    })
    const text = (await res.text()).slice(0, 500)
    return { ok: res.ok, status: res.status, detail: `${res.status} ${res.statusText}${text ? `: ${text}` : ''}` }
  }
}
