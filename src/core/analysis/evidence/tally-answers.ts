import { errorMessage } from '../../errors'
import type { Asked } from './ask-with-deadline'
import type { PartialSource, TelemetrySource } from './gathered-evidence'

/**
 * The status of a failure, short enough for the trail: a `status` field, else the status word of
 * a "<API>: <STATUS>: detail" message (how provider errors read after crossing the shared cache).
 */
export function shortReason(err: unknown): string {
  const status = (err as { status?: unknown } | null)?.status
  if (typeof status === 'string' && /^[A-Z][A-Z_]+$/.test(status)) return status
  const message = errorMessage(err)
  const named = /^[\w .-]{1,40}: ([A-Z][A-Z_]{3,}): /.exec(message)
  if (named) return named[1]!
  return message.length > 100 ? `${message.slice(0, 99)}…` : message
}

/**
 * Tallies the answers of one source by service. The source is missing only when nothing
 * answered; when some services did not, it is partial and says which and why.
 */
export function tallyAnswers<T>(
  source: TelemetrySource,
  asked: Array<Asked<T>>,
  services: string[],
): { values: T[]; missing: string | null; partial: PartialSource | null } {
  const values: T[] = []
  const failed: PartialSource['failed'] = []
  for (const a of asked) {
    if (a.result.status === 'fulfilled') values.push(a.result.value)
    else failed.push({ service: a.service, what: a.what, reason: errorMessage(a.result.reason) })
  }
  if (failed.length === 0) return { values, missing: null, partial: null }
  if (values.length === 0) {
    const reasons = [...new Set(failed.map((f) => f.reason))]
    const missing = reasons.length > 2 ? `${reasons.slice(0, 2).join('; ')}; and ${reasons.length - 2} other failures` : reasons.join('; ')
    return { values, missing, partial: null }
  }
  const shortOf = new Map(asked.filter((a) => a.result.status === 'rejected').map((a) => [a, shortReason((a.result as PromiseRejectedResult).reason)]))
  const askedOf = (service: string) => asked.filter((a) => a.service === service)
  const failing = services.filter((s) => askedOf(s).some((a) => a.result.status === 'rejected'))
  const asking = services.filter((s) => askedOf(s).length > 0)
  const parts = failing.map((service) => {
    const all = askedOf(service)
    const bad = all.filter((a) => a.result.status === 'rejected')
    const reasons = [...new Set(bad.map((a) => shortOf.get(a)!))].join(', ')
    if (bad.length === all.length) return `${service}: ${reasons}`
    const which = bad.length <= 2 ? bad.map((a) => a.what).join(', ') : `${bad.length} of ${all.length} queries`
    return `${service} (${which}): ${reasons}`
  })
  const servicesAnswered = asking.length - failing.length
  const note = `${source}: ${servicesAnswered} of ${asking.length} services answered; ${parts.join('; ')}`
  return { values, missing: null, partial: { source, servicesAnswered, servicesAsked: asking.length, failed, note } }
}
