import type { CheckStep } from './schema'

/** One HTTP request of a `check` step; redirects are not followed, so a 3xx is judged as it is. */
export interface ProbeRequest {
  method: 'GET' | 'HEAD'
  url: string
  timeoutMs: number
  /** Whether the body is needed (to look for text in it). */
  readBody: boolean
}

export interface ProbeResponse {
  status: number
  /** The body when it was asked for, else null. */
  body: string | null
}

/** Port through which a playbook `check` step reaches the endpoint it probes. */
export interface EndpointProbe {
  probe(request: ProbeRequest): Promise<ProbeResponse>
}

export interface CheckVerdict {
  healthy: boolean
  summary: string
}

/** The request a check step makes of `url` (its placeholders already filled). */
export function probeRequestFor(step: CheckStep, url: string, timeoutMs: number): ProbeRequest {
  return { method: step.method, url, timeoutMs, readBody: Boolean(step.contains) && step.method === 'GET' }
}

/** Healthy when the status is expected (any 2xx or 3xx by default) and the body holds the expected text. */
export function judgeCheck(step: CheckStep, url: string, response: ProbeResponse): CheckVerdict {
  const statusOk = step.expectStatus ? step.expectStatus.includes(response.status) : response.status >= 200 && response.status < 400
  const textOk = !step.contains || (response.body ?? '').includes(step.contains)
  const healthy = statusOk && textOk
  const bodyNote = step.contains ? (textOk ? `, body has "${step.contains}"` : `, body lacks "${step.contains}"`) : ''
  return { healthy, summary: `${step.method} ${url} → ${response.status}${bodyNote} → ${healthy ? 'healthy' : 'unhealthy'}` }
}
