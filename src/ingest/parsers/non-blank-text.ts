/** The trimmed text, or undefined when it is missing or only whitespace, so `??` chains fall through blanks. */
export function nonBlankText(text: string | null | undefined): string | undefined {
  const trimmed = text?.trim()
  return trimmed ? trimmed : undefined
}
