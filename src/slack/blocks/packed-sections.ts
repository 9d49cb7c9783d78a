/** Slack refuses a section text over 3,000 characters and a message over 50 blocks. */
export const SECTION_MAX_CHARS = 3000
export const MESSAGE_MAX_BLOCKS = 50

/**
 * Lines joined into section texts of at most SECTION_MAX_CHARS, in order, none dropped. A line longer than a section
 * is split (at a space when it can be, never inside an entity or a `<…>` mention), continued with "…".
 */
export function packLines(lines: readonly string[]): string[] {
  const out: string[] = []
  let current = ''
  for (const piece of lines.flatMap(splitLong)) {
    if (current && current.length + 1 + piece.length > SECTION_MAX_CHARS) {
      out.push(current)
      current = ''
    }
    current = current ? `${current}\n${piece}` : piece
  }
  if (current) out.push(current)
  return out
}

/** Sections in groups of `perMessage` (what a message holds besides its own title and footer blocks). */
export function chunkSections(sections: readonly string[], perMessage: number): string[][] {
  const chunks: string[][] = []
  for (let i = 0; i < sections.length; i += perMessage) chunks.push(sections.slice(i, i + perMessage))
  return chunks
}

function splitLong(line: string): string[] {
  const max = SECTION_MAX_CHARS - 10
  const out: string[] = []
  let rest = line
  while (rest.length > max) {
    let cut = rest.lastIndexOf(' ', max)
    if (cut < max / 2) cut = max
    // Never split inside an entity (&amp;) or a mention (<@U…>).
    const amp = rest.lastIndexOf('&', cut)
    if (amp > cut - 6 && rest.indexOf(';', amp) >= cut) cut = amp
    const lt = rest.lastIndexOf('<', cut)
    if (lt > cut - 25 && rest.indexOf('>', lt) >= cut) cut = lt
    out.push(`${rest.slice(0, cut)} …`)
    rest = `… ${rest.slice(cut).trimStart()}`
  }
  out.push(rest)
  return out
}

/** A mrkdwn section of text already within SECTION_MAX_CHARS. */
export function mrkdwnSection(text: string): { type: 'section'; text: { type: 'mrkdwn'; text: string } } {
  return { type: 'section', text: { type: 'mrkdwn', text } }
}
