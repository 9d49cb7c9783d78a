import { hash } from 'node:crypto'
import { DEFAULT_STOPWORDS } from './stopwords'
import type { Embedder } from './embedder'

const STOPWORDS = new Set(
  'a an and are as at be by for from has have in into is it its of on or that the this to was were will with after before over under than then'.split(' '),
)

/** Lower-cased word tokens with numbers and ids folded, so "p95 latency > 2 s" and "latency p95 above 2s" share terms. */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/\b[0-9a-f]{8}-[0-9a-f-]{27,}\b/g, ' idtoken ')
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 1 && !STOPWORDS.has(t))
    .map((t) => (t === 'idtoken' ? '<id>' : /^\d+$/.test(t) ? '<num>' : t))
}

/**
 * Word tokens for the embedding: identifiers split into their parts as well as kept
 * whole ("java.net.SocketTimeoutException" gives socket, timeout, exception and the
 * class name; "checkoutDb" gives checkout, db), numbers and ids folded, a light stem.
 */
export function featureTokens(text: string): string[] {
  const out: string[] = []
  const raw = text.replace(/\b[0-9a-f]{8}-[0-9a-f-]{27,}\b/gi, ' idtoken ').split(/[^A-Za-z0-9_.$-]+/)
  for (const chunk of raw) {
    const whole = chunk.replace(/^[._$-]+|[._$-]+$/g, '')
    if (!whole) continue
    const parts = whole.split(/[._$-]+/).flatMap((p) => p.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/))
    for (const part of parts) {
      const t = part.toLowerCase()
      if (t.length < 2 || DEFAULT_STOPWORDS.has(t)) continue
      out.push(t === 'idtoken' ? '<id>' : /^\d+$/.test(t) ? '<num>' : stem(t))
    }
    // The whole identifier is a feature of its own when it had parts: exact names matter.
    if (parts.length > 1 && whole.length <= 80) out.push(`=${whole.toLowerCase()}`)
  }
  return out
}

/** A light suffix stripper: plural and verb endings, so "connections" meets "connection". */
export function stem(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word
  for (const [suffix, keep] of STEM_RULES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) return word.slice(0, word.length - suffix.length) + keep
  }
  return word
}
const STEM_RULES: Array<[string, string]> = [
  ['ies', 'y'],
  ['sses', 'ss'],
  ['ings', ''],
  ['ing', ''],
  ['edly', ''],
  ['ed', ''],
  ['ers', 'er'],
  ['ations', 'ate'],
  ['ation', 'ate'],
  ['ments', 'ment'],
  ['s', ''],
]

function bucket(feature: string, dimensions: number): { index: number; sign: number } {
  // One-shot: no Hash object per feature (a few hundred a text).
  const digest = hash('md5', feature, 'buffer')
  return { index: digest.readUInt32LE(0) % dimensions, sign: digest[4]! & 1 ? 1 : -1 }
}

/**
 * Offline embedder: signed feature hashing of words, word bigrams and character
 * trigrams (robust to inflections and typos), with sublinear term frequency so a
 * word repeated down a stack trace does not drown the rest; L2-normalised.
 * Needs no network and no weights. Vectors of other versions are not comparable.
 */
export class HashingEmbedder implements Embedder {
  readonly name = 'local-hashing-v2'
  /** Word features without IDF: mostly what BM25 already sees, so its list counts for less. */
  readonly rankingWeight = 0.7
  constructor(readonly dimensions = 768) {}

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.embedOne(text))
  }

  embedOne(text: string): number[] {
    const counts = new Map<string, number>()
    const add = (feature: string, weight: number) => counts.set(feature, (counts.get(feature) ?? 0) + weight)
    // A line repeated verbatim (the same log line 50 times) says no more than once.
    const tokens = featureTokens([...new Set(text.split('\n').map((l) => l.trim()))].join('\n'))
    const words = tokens.filter((t) => !t.startsWith('='))
    for (const token of tokens) add(`w:${token}`, 1)
    words.forEach((token, i) => {
      if (i > 0) add(`b:${words[i - 1]}_${token}`, 0.7)
      if (token.startsWith('<')) return
      const padded = `^${token}$`
      for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.25)
    })
    const vector = new Array<number>(this.dimensions).fill(0)
    for (const [feature, count] of counts) {
      const { index, sign } = bucket(feature, this.dimensions)
      // Sublinear: the tenth repetition adds far less than the first.
      vector[index]! += sign * Math.log1p(count)
    }
    const norm = Math.hypot(...vector)
    return norm === 0 ? vector : vector.map((v) => v / norm)
  }
}
