import { WILDCARD, canonicalizeToken, isDigit, isWordChar } from './template-token'

/** Raw tokens and their masked forms, position for position (a date-time span becomes one token). */
export interface MaskedTokens {
  raw: string[]
  masked: string[]
}

const WEEKDAYS = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])
const MONTHS = new Set([
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Sept',
  'Oct',
  'Nov',
  'Dec',
  'January',
  'February',
  'March',
  'April',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
])
const DAY = /^\d{1,2},?$/
const CLOCK = /^\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?,?$/
const ZONE = /^(UTC|GMT|Z|[A-Z]{2,4}T|[+-]\d{2}:?\d{2})$/
const YEAR = /^\d{4},?$/
const DATE = /^\d{4}[-/]\d{2}[-/]\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/
const MAC = /(?<![0-9A-Fa-f:-])(?:[0-9A-Fa-f]{2}[:-]){5,}[0-9A-Fa-f]{2}(?![0-9A-Fa-f:-])/g
const UUID = /(?<![0-9A-Fa-f])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Fa-f])/g
// Host names under a generic top-level domain (or a country's co./ac./gov. zone); not Java packages.
const HOST_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
const HOST_TLD = String.raw`(?:com|net|org|edu|gov|mil|int|io|info|biz|local|internal|lan|(?:co|com|net|org|ac|gov|edu)\.[a-z]{2})`
const HOST = new RegExp(String.raw`(?<![\w.-])(?:${HOST_LABEL}\.)+${HOST_TLD}(?![\w-]|\.[\w-])`, 'gi')
const WINDOWS_PATH = /^[A-Za-z]:\\/
const BOOLEANS = new Set(['true', 'false', 'null', 'True', 'False', 'Null', 'TRUE', 'FALSE', 'NULL'])

/**
 * Remembers masked forms of short digit-free tokens (the words that repeat; numbers
 * rarely do); cleared when full so memory stays bounded.
 */
export class MaskCache {
  private readonly entries = new Map<string, string>()
  constructor(private readonly capacity = 65_536) {}

  mask(token: string): string {
    if (token.length > 64) return maskToken(token)
    for (let i = 0; i < token.length; i++) if (isDigit(token.charCodeAt(i))) return maskToken(token)
    let masked = this.entries.get(token)
    if (masked === undefined) {
      if (this.entries.size >= this.capacity) this.entries.clear()
      masked = maskToken(token)
      this.entries.set(token, masked)
    }
    return masked
  }
}

/**
 * Replaces what is certainly a parameter with `<*>` before any clustering: numbers
 * (signed, decimal, with a unit such as `65020ms`), hex, IPs and ports, paths, URLs,
 * ids with long digit runs, MAC addresses, UUIDs, host names, booleans and date-times
 * (a date-time written over several tokens becomes one token).
 */
export function maskLogTokens(tokens: string[], cache?: MaskCache): MaskedTokens {
  // `raw` is `tokens` itself unless a date-time span folds several tokens into one.
  let raw: string[] | null = null
  const masked: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const span = dateTimeSpan(tokens, i)
    if (span > 1) {
      raw ??= tokens.slice(0, i)
      raw.push(tokens.slice(i, i + span).join(' '))
      masked.push(WILDCARD)
      i += span - 1
      continue
    }
    const token = tokens[i]!
    raw?.push(token)
    masked.push(cache ? cache.mask(token) : maskToken(token))
  }
  return { raw: raw ?? tokens, masked }
}

/** How many tokens from `i` spell one date-time (`Fri Jun 17 07:07:00 2005`, `2005-06-17 07:07:00`); 0 if none. */
function dateTimeSpan(tokens: string[], i: number): number {
  const first = tokens[i]!
  const c = first.charCodeAt(0)
  if (isDigit(c)) return first.length === 10 && DATE.test(first) && tokens[i + 1] !== undefined && CLOCK.test(tokens[i + 1]!) ? 2 : 0
  if (c < 65 || c > 87 || first.length > 10 || first.length < 3) return 0
  let j = i
  if (WEEKDAYS.has(stripComma(first))) j++
  if (j >= tokens.length || !MONTHS.has(tokens[j]!)) return 0
  j++
  if (j >= tokens.length || !DAY.test(tokens[j]!)) return 0
  j++
  let clock = false
  if (j < tokens.length && CLOCK.test(tokens[j]!)) {
    clock = true
    j++
    if (j < tokens.length && ZONE.test(tokens[j]!)) j++
  }
  let year = false
  if (j < tokens.length && YEAR.test(tokens[j]!)) {
    year = true
    j++
  }
  return clock || year ? j - i : 0
}

function stripComma(token: string): string {
  return token.endsWith(',') ? token.slice(0, -1) : token
}

const PATH_DELIMITERS = new Set([...',;:=|"\'[](){}!<>'].map((ch) => ch.charCodeAt(0)))
const CLOSERS = new Set([...')]}>\'",.;:'].map((ch) => ch.charCodeAt(0)))

/** Masks the parameters inside one whitespace-free token. */
export function maskToken(text: string): string {
  let token = text
  const n = token.length
  let digits = false
  let slash = false
  for (let i = 0; i < n; i++) {
    const c = token.charCodeAt(i)
    if (isDigit(c)) digits = true
    else if (c === 47 || c === 92) slash = true
  }
  if (!digits && !slash && n < 4) return token
  if (digits && (token.indexOf('-') >= 0 || token.indexOf(':') >= 0)) {
    const core = stripWrappers(token)
    if (DATE_TIME.test(core.text)) return core.before + WILDCARD + core.after
  }
  const url = token.indexOf('://')
  if (url > 0) return maskUrl(token, url)
  if (slash) {
    const core = stripWrappers(token)
    if (WINDOWS_PATH.test(core.text)) return core.before + WILDCARD + core.after
  }
  if (n >= 17 && digits && (token.indexOf(':') >= 0 || token.indexOf('-') >= 0)) token = token.replace(MAC, WILDCARD).replace(UUID, WILDCARD)
  if (hasDottedWord(token)) token = token.replace(HOST, WILDCARD)
  return maskChunks(token)
}

/** Masks numbers, ids, hex and paths chunk by chunk. */
function maskChunks(token: string): string {
  const n = token.length
  let out = ''
  let i = 0
  while (i < n) {
    const c = token.charCodeAt(i)
    if (isWordChar(c)) {
      let j = i + 1
      while (j < n && isWordChar(token.charCodeAt(j))) j++
      if (isParameterChunk(token, i, j)) {
        // A sign directly before a number belongs to it (`-2`, `vCores:-17`), not `104-127`.
        const prev = i > 0 ? token.charCodeAt(i - 1) : 0
        if ((prev === 45 || prev === 43) && isDigit(c) && (i < 2 || !isAlnum(token.charCodeAt(i - 2)))) out = out.slice(0, -1)
        // A parameter glued to a word swallows it (`blk_-123` → `<*>`; Loghub's WV rule).
        let k = out.length
        while (k > 0 && isWordChar(out.charCodeAt(k - 1))) k--
        out = out.slice(0, k) + WILDCARD
      } else {
        out += token.slice(i, j)
      }
      i = j
      continue
    }
    if (isPathStart(token, i)) {
      let j = i + 1
      while (j < n && !PATH_DELIMITERS.has(token.charCodeAt(j))) j++
      out += WILDCARD
      i = j
      continue
    }
    out += token[i]
    i++
  }
  return canonicalizeToken(out)
}

/** A dot followed by a letter: the only tokens worth testing for a host name. */
function hasDottedWord(token: string): boolean {
  for (let i = token.indexOf('.'); i >= 0 && i < token.length - 1; i = token.indexOf('.', i + 1)) {
    const c = token.charCodeAt(i + 1) | 32
    if (c >= 97 && c <= 122) return true
  }
  return false
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

/** A path starts at `/`, `./` or `../` at the start of the token or after a delimiter such as `(` or `=`. */
function isPathStart(token: string, i: number): boolean {
  if (i > 0 && (!PATH_DELIMITERS.has(token.charCodeAt(i - 1)) || token.startsWith(WILDCARD, i - 3))) return false
  let j = i
  while (j < token.length && token.charCodeAt(j) === 46 && j - i < 2) j++
  if (token.charCodeAt(j) !== 47) return false
  const next = token.charCodeAt(j + 1)
  return j + 1 < token.length && !PATH_DELIMITERS.has(next)
}

function isParameterChunk(token: string, start: number, end: number): boolean {
  const first = token.charCodeAt(start)
  if (isDigit(first)) return true
  const length = end - start
  if (length >= 4 && length <= 5 && BOOLEANS.has(token.slice(start, end))) return true
  let run = 0
  let longestRun = 0
  let hex = true
  for (let i = start; i < end; i++) {
    const c = token.charCodeAt(i)
    if (isDigit(c)) {
      run++
      if (run > longestRun) longestRun = run
    } else {
      run = 0
      if (!((c >= 97 && c <= 102) || (c >= 65 && c <= 70))) hex = false
    }
  }
  if (longestRun >= 4) return true
  if (hex && length >= 8) return true
  // A version: v1.0.0
  if ((first === 118 || first === 86) && longestRun === length - 1 && token.charCodeAt(end) === 46 && isDigit(token.charCodeAt(end + 1))) return true
  return false
}

function stripWrappers(token: string): { before: string; text: string; after: string } {
  let s = 0
  let e = token.length
  while (s < e && '([{<\'"'.includes(token[s]!)) s++
  while (e > s && CLOSERS.has(token.charCodeAt(e - 1))) e--
  return { before: token.slice(0, s), text: token.slice(s, e), after: token.slice(e) }
}

/** `hdfs://host:9000/tmp/x.jar` → `hdfs://<*>`, keeping the scheme and any closing punctuation. */
function maskUrl(token: string, at: number): string {
  let s = at
  while (s > 0 && /[A-Za-z0-9+.-]/.test(token[s - 1]!)) s--
  if (s === at) return token
  let e = token.length
  while (e > at + 3 && CLOSERS.has(token.charCodeAt(e - 1))) e--
  if (e === at + 3) return token
  return token.slice(0, at + 3) + WILDCARD + token.slice(e)
}
