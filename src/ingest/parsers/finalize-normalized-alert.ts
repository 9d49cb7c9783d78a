import type { z } from 'zod'
import { normalizedAlertSchema, type NormalizedAlert } from '../../core/incidents/types'
import { truncateText } from './truncate-text'

/** Longer links are generated junk; a cut URL is a broken link, so it is dropped instead. */
const MAX_URL_LENGTH = 2_048

const shape = normalizedAlertSchema.shape
const maxTitleLength = maxLengthOf(shape.title)
const maxSummaryLength = maxLengthOf(shape.summary.unwrap())
const maxServiceLength = maxLengthOf(shape.service.unwrap())
const maxResourceTypeLength = maxLengthOf(shape.resourceType.unwrap())
const maxPolicyNameLength = maxLengthOf(shape.policyName.unwrap())

/**
 * The last step of every parser: trims strings, truncates them to the limits of
 * normalizedAlertSchema (a long summary must not cost us the alert), turns blanks
 * into null, and parses the result so nothing unchecked leaves ingest.
 */
export function finalizeNormalizedAlert(draft: NormalizedAlert): NormalizedAlert {
  const url = blankToNull(draft.url)
  return normalizedAlertSchema.parse({
    ...draft,
    title: truncateText(draft.title.trim(), maxTitleLength),
    summary: truncateText(draft.summary.trim(), maxSummaryLength),
    service: truncateNullable(draft.service, maxServiceLength),
    resourceType: truncateNullable(draft.resourceType, maxResourceTypeLength),
    policyName: truncateNullable(draft.policyName, maxPolicyNameLength),
    url: url !== null && url.length > MAX_URL_LENGTH ? null : url,
  })
}

function truncateNullable(text: string | null, max: number): string | null {
  const value = blankToNull(text)
  return value === null ? null : truncateText(value, max)
}

function blankToNull(text: string | null): string | null {
  const trimmed = text?.trim() ?? ''
  return trimmed === '' ? null : trimmed
}

function maxLengthOf(schema: z.ZodString): number {
  return schema.maxLength ?? Number.POSITIVE_INFINITY
}
