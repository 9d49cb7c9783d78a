import { featureTokens } from './hashing-embedder'

/**
 * Latent semantic analysis fitted on the history itself (Deerwester et al., 1990): a TF-IDF
 * matrix of the documents (sublinear term frequency, smoothed IDF), truncated to its `rank`
 * leading singular directions by randomized SVD (Halko, Martinsson & Tropp, 2011). Terms that
 * occur in the same documents land near each other, so "namenode crash" meets "NN died" when the
 * history links them. No network and no weights: fitted in memory, deterministic for a seed.
 */
export class LsaModel {
  private constructor(
    private readonly vocabulary: Map<string, number>,
    private readonly idf: Float64Array,
    /** Term × rank, row-major: the right singular vectors (the term loadings). */
    private readonly loadings: Float64Array,
    readonly rank: number,
  ) {}

  static fit(texts: string[], options: { rank?: number; seed?: number; powerIterations?: number; minDocuments?: number } = {}): LsaModel {
    const minDocuments = options.minDocuments ?? 2
    const documents = texts.map((t) => termCounts(t))
    const df = new Map<string, number>()
    for (const d of documents) for (const t of d.keys()) df.set(t, (df.get(t) ?? 0) + 1)
    const vocabulary = new Map<string, number>()
    for (const [t, n] of [...df].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (n >= minDocuments) vocabulary.set(t, vocabulary.size)
    const idf = new Float64Array(vocabulary.size)
    for (const [t, i] of vocabulary) idf[i] = Math.log((1 + documents.length) / (1 + df.get(t)!)) + 1
    const rows = documents.map((d) => weightedRow(d, vocabulary, idf))
    const rank = Math.max(1, Math.min(options.rank ?? 200, vocabulary.size, rows.length))
    const loadings = randomizedRightVectors(rows, vocabulary.size, rank, options.powerIterations ?? 2, options.seed ?? 1)
    return new LsaModel(vocabulary, idf, loadings, rank)
  }

  /** The text's latent vector (its TF-IDF row projected on the loadings), L2-normalised; zero when it shares no term. */
  embedOne(text: string): number[] {
    const row = weightedRow(termCounts(text), this.vocabulary, this.idf)
    const out = new Array<number>(this.rank).fill(0)
    for (let j = 0; j < row.index.length; j++) {
      const base = row.index[j]! * this.rank
      const v = row.value[j]!
      for (let c = 0; c < this.rank; c++) out[c]! += v * this.loadings[base + c]!
    }
    const norm = Math.hypot(...out)
    return norm === 0 ? out : out.map((x) => x / norm)
  }
}

interface SparseRow {
  index: number[]
  value: number[]
}

function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const t of featureTokens(text)) counts.set(t, (counts.get(t) ?? 0) + 1)
  return counts
}

/** Sublinear TF × IDF over the known terms, L2-normalised (long reports do not dominate the fit). */
function weightedRow(counts: Map<string, number>, vocabulary: Map<string, number>, idf: Float64Array): SparseRow {
  const index: number[] = []
  const value: number[] = []
  for (const [t, n] of counts) {
    const i = vocabulary.get(t)
    if (i === undefined) continue
    index.push(i)
    value.push((1 + Math.log(n)) * idf[i]!)
  }
  const norm = Math.hypot(...value) || 1
  return { index, value: value.map((v) => v / norm) }
}

/** A small deterministic generator (mulberry32) and Box–Muller normals: the sketch must be reproducible. */
function gaussian(seed: number): () => number {
  let s = seed >>> 0
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform())
}

/** Y = A·X for sparse A (rows) and dense X (terms × width). */
function multiply(rows: SparseRow[], x: Float64Array, width: number): Float64Array {
  const y = new Float64Array(rows.length * width)
  rows.forEach((row, r) => {
    for (let j = 0; j < row.index.length; j++) {
      const base = row.index[j]! * width
      const v = row.value[j]!
      for (let c = 0; c < width; c++) y[r * width + c]! += v * x[base + c]!
    }
  })
  return y
}

/** Z = Aᵀ·Y for sparse A (rows) and dense Y (documents × width). */
function multiplyTransposed(rows: SparseRow[], y: Float64Array, terms: number, width: number): Float64Array {
  const z = new Float64Array(terms * width)
  rows.forEach((row, r) => {
    for (let j = 0; j < row.index.length; j++) {
      const base = row.index[j]! * width
      const v = row.value[j]!
      for (let c = 0; c < width; c++) z[base + c]! += v * y[r * width + c]!
    }
  })
  return z
}

/** Orthonormalises the columns of a (n × width) matrix in place (modified Gram–Schmidt, twice for stability). */
function orthonormalise(m: Float64Array, n: number, width: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < width; c++) {
      for (let p = 0; p < c; p++) {
        let dot = 0
        for (let i = 0; i < n; i++) dot += m[i * width + c]! * m[i * width + p]!
        for (let i = 0; i < n; i++) m[i * width + c]! -= dot * m[i * width + p]!
      }
      let norm = 0
      for (let i = 0; i < n; i++) norm += m[i * width + c]! ** 2
      norm = Math.sqrt(norm) || 1
      for (let i = 0; i < n; i++) m[i * width + c]! /= norm
    }
  }
}

/** Eigen-decomposition of a symmetric matrix (cyclic Jacobi): eigenvalues and column eigenvectors. */
export function symmetricEigen(a: Float64Array, n: number): { values: number[]; vectors: Float64Array } {
  const m = Float64Array.from(a)
  const v = new Float64Array(n * n)
  for (let i = 0; i < n; i++) v[i * n + i] = 1
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2
    if (off < 1e-22) break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!
        if (Math.abs(apq) < 1e-300) continue
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]!
          const akq = m[k * n + q]!
          m[k * n + p] = c * akp - s * akq
          m[k * n + q] = s * akp + c * akq
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]!
          const aqk = m[q * n + k]!
          m[p * n + k] = c * apk - s * aqk
          m[q * n + k] = s * apk + c * aqk
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!
          const vkq = v[k * n + q]!
          v[k * n + p] = c * vkp - s * vkq
          v[k * n + q] = s * vkp + c * vkq
        }
      }
    }
  }
  return { values: Array.from({ length: n }, (_, i) => m[i * n + i]!), vectors: v }
}

/**
 * The `rank` leading right singular vectors of A (documents × terms) as a terms × rank matrix:
 * a Gaussian sketch, `power` subspace iterations, then the small problem solved exactly.
 */
function randomizedRightVectors(rows: SparseRow[], terms: number, rank: number, power: number, seed: number): Float64Array {
  const width = Math.min(rank + 10, terms, rows.length)
  const normal = gaussian(seed)
  const omega = new Float64Array(terms * width)
  for (let i = 0; i < omega.length; i++) omega[i] = normal()
  let q = multiply(rows, omega, width)
  orthonormalise(q, rows.length, width)
  for (let i = 0; i < power; i++) {
    const z = multiplyTransposed(rows, q, terms, width)
    orthonormalise(z, terms, width)
    q = multiply(rows, z, width)
    orthonormalise(q, rows.length, width)
  }
  // B = Qᵀ A (width × terms), stored transposed as Bᵀ = Aᵀ Q (terms × width).
  const bt = multiplyTransposed(rows, q, terms, width)
  const gram = new Float64Array(width * width)
  for (let t = 0; t < terms; t++) {
    for (let i = 0; i < width; i++) {
      const x = bt[t * width + i]!
      if (x === 0) continue
      for (let j = i; j < width; j++) gram[i * width + j]! += x * bt[t * width + j]!
    }
  }
  for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) gram[i * width + j] = gram[j * width + i]!
  const { values, vectors } = symmetricEigen(gram, width)
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0])
  // V = Bᵀ Ũ Σ⁻¹, keeping the leading `rank` directions.
  const loadings = new Float64Array(terms * rank)
  for (let c = 0; c < rank; c++) {
    const [value, k] = order[c]!
    const sigma = Math.sqrt(Math.max(value, 1e-12))
    for (let t = 0; t < terms; t++) {
      let s = 0
      for (let i = 0; i < width; i++) s += bt[t * width + i]! * vectors[i * width + k]!
      loadings[t * rank + c] = s / sigma
    }
  }
  return loadings
}
