import type { EndpointProbe, ProbeRequest, ProbeResponse } from '../../core/playbooks/endpoint-probe'

/** Probes endpoints with fetch, without following redirects. */
export class HttpProbe implements EndpointProbe {
  async probe(request: ProbeRequest): Promise<ProbeResponse> {
    const res = await fetch(request.url, { method: request.method, signal: AbortSignal.timeout(request.timeoutMs), redirect: 'manual' })
    return { status: res.status, body: request.readBody ? await res.text() : null }
  }
}
