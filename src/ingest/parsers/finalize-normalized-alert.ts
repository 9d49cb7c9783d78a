import type { z } from 'zod'
import { normalizedAlertSchema, type NormalizedAlert } from '../../core/incidents/types'
import { collectLinks, httpUrl } from './alert-links'
import { truncateText } from '../../core/truncate-text'

const shape = normalizedAlertSchema.shape
const maxTitleLength = maxLengthOf(shape.title)
const maxSummaryLength = maxLengthOf(shape.summary.unwrap())
const maxServiceLength = maxLengthOf(shape.service.unwrap())
const maxResourceTypeLength = maxLengthOf(shape.resourceType.unwrap())
const maxPolicyNameLength = maxLengthOf(shape.policyName.unwrap())

/** A parser's alert before checks: links may still be missing, relative or of another scheme. */
export type NormalizedAlertDraft = Omit<NormalizedAlert, 'links'> & { links: Array<{ label: string; url: string | null | undefined }> }

/**
 * The last step of every parser: trims strings, truncates them to the limits of
 * normalizedAlertSchema (a long summary must not cost us the alert), turns blanks
 * into null, keeps only http(s) links, and parses the result so nothing unchecked leaves ingest.
 */
export function finalizeNormalizedAlert(draft: NormalizedAlertDraft): NormalizedAlert {
  return normalizedAlertSchema.parse({
    ...draft,
    title: truncateText(draft.title.trim(), maxTitleLength),
    summary: truncateText(draft.summary.trim(), maxSummaryLength),
    service: truncateNullable(draft.service, maxServiceLength),
    resourceType: truncateNullable(draft.resourceType, maxResourceTypeLength),
    policyName: truncateNullable(draft.policyName, maxPolicyNameLength),
    url: httpUrl(draft.url) ?? null,
    links: collectLinks(draft.links),
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
