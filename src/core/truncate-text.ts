/** Cuts `text` to at most `max` characters, ending with "…" so readers can tell it was shortened. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text
  let end = Math.max(0, max - 1)
  // Never split a surrogate pair: a lone half renders as garbage in Slack.
  if (end > 0 && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1
  return `${text.slice(0, end)}…`
}
