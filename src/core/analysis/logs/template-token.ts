/** The placeholder for a parameter, as Loghub writes it. */
export const WILDCARD = '<*>'

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

/** Letters, digits, underscore and anything outside ASCII; everything else delimits. */
export function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128
}

export function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isDigit(text.charCodeAt(i))) return true
  return false
}

/** Folds `<*>.<*>` and `<*><*>` into one `<*>` (Loghub's DV and CV rules). */
export function canonicalizeToken(token: string): string {
  if (token.length <= 3 || (token.indexOf('<*>.<*>') < 0 && token.indexOf('<*><*>') < 0)) return token
  let out = token
  for (;;) {
    const next = out.replaceAll('<*>.<*>', WILDCARD).replaceAll('<*><*>', WILDCARD)
    if (next === out) return out
    out = next
  }
}

/** Splits a token into word chunks, `<*>` and single delimiter characters. */
function tokenParts(token: string): string[] {
  const parts: string[] = []
  let i = 0
  while (i < token.length) {
    if (token.startsWith(WILDCARD, i)) {
      parts.push(WILDCARD)
      i += 3
      continue
    }
    let j = i + 1
    if (isWordChar(token.charCodeAt(i))) while (j < token.length && isWordChar(token.charCodeAt(j))) j++
    parts.push(token.slice(i, j))
    i = j
  }
  return parts
}

function isDelimiterPart(part: string): boolean {
  return part !== WILDCARD && !isWordChar(part.charCodeAt(0))
}

/**
 * The shape of a token with its numbers and parameters blanked: `bglio559` and `bglio344`
 * share one, `ee0` and `alt0` do not.
 */
export function tokenSkeleton(token: string): string {
  let out = ''
  let inVar = false
  for (let i = 0; i < token.length; i++) {
    if (token.startsWith(WILDCARD, i)) {
      if (!inVar) out += '#'
      inVar = true
      i += 2
      continue
    }
    const c = token.charCodeAt(i)
    if (isDigit(c)) {
      if (!inVar) out += '#'
      inVar = true
    } else {
      out += token[i]
      inVar = false
    }
  }
  return out
}

/** A template token compiled for matching: its literal pieces around each `<*>`. */
export interface TokenPattern {
  pieces: string[]
}

export function compilePattern(token: string): TokenPattern | null {
  return token.indexOf(WILDCARD) < 0 ? null : { pieces: token.split(WILDCARD) }
}

/** Each `<*>` stands for any run of characters, possibly empty (`()` fits `(<*>)`). */
export function matchesPattern(pattern: TokenPattern, text: string): boolean {
  return capturePattern(pattern, text, null)
}

/** Like `matchesPattern`, appending what each `<*>` stood for (leftmost, shortest) to `out`. */
export function capturePattern(pattern: TokenPattern, text: string, out: string[] | null): boolean {
  const { pieces } = pattern
  const first = pieces[0]!
  const last = pieces[pieces.length - 1]!
  if (text.length < first.length + last.length) return false
  if (!text.startsWith(first) || !text.endsWith(last)) return false
  const end = text.length - last.length
  let pos = first.length
  const captured: string[] | null = out ? [] : null
  for (let k = 1; k < pieces.length - 1; k++) {
    const piece = pieces[k]!
    const at = text.indexOf(piece, pos)
    if (at < 0 || at + piece.length > end) return false
    captured?.push(text.slice(pos, at))
    pos = at + piece.length
  }
  if (end < pos) return false
  if (out && captured) {
    captured.push(text.slice(pos, end))
    out.push(...captured)
  }
  return true
}

/**
 * The most specific token that covers both: parts that differ become `<*>` when the two
 * share their delimiters (`node-D3`, `node-D4` → `node-<*>`); otherwise the common
 * prefix and suffix around a delimiter survive (`rhost=a.b.net`, `rhost=1.2.3.4` →
 * `rhost=<*>`); otherwise the whole token is a parameter.
 */
export function generalizeToken(a: string, b: string): string {
  if (a === b) return a
  if (a === WILDCARD || b === WILDCARD) return WILDCARD
  const pa = compilePattern(a)
  if (pa && matchesPattern(pa, b)) return a
  const pb = compilePattern(b)
  if (pb && matchesPattern(pb, a)) return b
  const x = tokenParts(a)
  const y = tokenParts(b)
  if (x.length === y.length) {
    let sameFrame = true
    for (let i = 0; i < x.length && sameFrame; i++) {
      if ((isDelimiterPart(x[i]!) || isDelimiterPart(y[i]!)) && x[i] !== y[i]) sameFrame = false
    }
    if (sameFrame) {
      let out = ''
      for (let i = 0; i < x.length; i++) out += x[i] === y[i] ? x[i] : WILDCARD
      return canonicalizeToken(out)
    }
  }
  let head = 0
  while (head < x.length && head < y.length && x[head] === y[head]) head++
  while (head > 0 && !isDelimiterPart(x[head - 1]!)) head--
  let tail = 0
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++
  while (tail > 0 && !isDelimiterPart(x[x.length - tail]!)) tail--
  if (head === 0 && tail === 0) return WILDCARD
  return canonicalizeToken(x.slice(0, head).join('') + WILDCARD + x.slice(x.length - tail).join(''))
}
