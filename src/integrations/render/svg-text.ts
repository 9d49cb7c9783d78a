/** Rough advance widths of DejaVu Sans, in ems: enough to size boxes and place labels without measuring glyphs. */
export function textWidth(text: string, size: number): number {
  let ems = 0
  for (const ch of text) {
    if ("il.,:;!|'`".includes(ch)) ems += 0.3
    else if ('fjrt()[] '.includes(ch)) ems += 0.4
    else if ('mwMW%'.includes(ch)) ems += 0.95
    else if (/[A-Z]/.test(ch)) ems += 0.72
    else if (/[0-9]/.test(ch)) ems += 0.64
    else if (ch.codePointAt(0)! > 0x2000) ems += 1
    else ems += 0.61
  }
  return ems * size
}

/**
 * Text safe inside an SVG element or attribute: the five XML specials escaped, and the characters
 * XML 1.0 forbids (most control characters, lone surrogates, U+FFFE/U+FFFF) dropped.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}
