import { z } from 'zod'
import { truncateText } from '../../core/truncate-text'

/** Enough for every real alert we have seen; beyond this labels are noise that bloats storage and prompts. */
export const MAX_LABELS = 64
export const MAX_LABEL_KEY_LENGTH = 100
export const MAX_LABEL_VALUE_LENGTH = 1_000

/** A vendor's label map as received: values are usually strings, but nothing is promised. */
export const vendorLabelMapSchema = z.record(z.string(), z.unknown())
export type VendorLabelMap = z.infer<typeof vendorLabelMapSchema>

/**
 * Merges label maps into one bounded `string → string` map. Later maps win on a
 * shared key; numbers and booleans are stringified; nested objects, arrays and
 * nulls are dropped. Keys are sorted so the kept subset does not depend on the
 * order a vendor happened to serialize them in.
 */
export function flattenLabels(...maps: Array<VendorLabelMap | null | undefined>): Record<string, string> {
  const merged = new Map<string, string>()
  for (const map of maps) {
    if (!map) continue
    for (const [rawKey, rawValue] of Object.entries(map)) {
      const key = rawKey.trim()
      const value = labelValueToString(rawValue)
      // Over-long keys are dropped, not cut: two cut keys could collide.
      if (key === '' || key.length > MAX_LABEL_KEY_LENGTH || value === undefined) continue
      merged.set(key, truncateText(value, MAX_LABEL_VALUE_LENGTH))
    }
  }
  const keptKeys = [...merged.keys()].sort().slice(0, MAX_LABELS)
  // fromEntries defines own properties, so a "__proto__" label stays a label.
  return Object.fromEntries(keptKeys.map((key) => [key, merged.get(key) ?? '']))
}

/** The trimmed, non-empty string value of `key`, or undefined. */
export function readLabel(map: VendorLabelMap | null | undefined, key: string): string | undefined {
  const value = map && Object.hasOwn(map, key) ? labelValueToString(map[key]) : undefined
  return value === undefined || value === '' ? undefined : value
}

function labelValueToString(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim()
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}
