import { createHash } from 'node:crypto'
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

function bucket(feature: string, dimensions: number): { index: number; sign: number } {
  const digest = createHash('md5').update(feature).digest()
  return { index: digest.readUInt32LE(0) % dimensions, sign: digest[4]! & 1 ? 1 : -1 }
}

/**
 * Offline embedder: signed feature hashing of words, word bigrams and character
 * trigrams (robust to inflections), L2-normalised. Needs no network and no weights.
 */
export class HashingEmbedder implements Embedder {
  readonly name = 'local-hashing'
  constructor(readonly dimensions = 768) {}

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.embedOne(text))
  }

  embedOne(text: string): number[] {
    const vector = new Array<number>(this.dimensions).fill(0)
    const add = (feature: string, weight: number) => {
      const { index, sign } = bucket(feature, this.dimensions)
      vector[index]! += sign * weight
    }
    const tokens = tokenize(text)
    tokens.forEach((token, i) => {
      add(`w:${token}`, 1)
      if (i > 0) add(`b:${tokens[i - 1]}_${token}`, 0.7)
      const padded = `^${token}$`
      for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.25)
    })
    const norm = Math.hypot(...vector)
    return norm === 0 ? vector : vector.map((v) => v / norm)
  }
}
