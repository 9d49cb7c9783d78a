import { GoogleGenAI, type GoogleGenAIOptions } from '@google/genai'
import type { AuthClient } from 'google-auth-library'
import { z } from 'zod'
import type { Embedder } from '../../core/correlation/embedder'
import { CodedError, errorMessage } from '../../core/errors'

export interface VertexEmbedderOptions {
  project: string
  location: string
  /** gemini-embedding-001, text-embedding-005, text-multilingual-embedding-002, ... */
  model: string
  /** Requested output size (Matryoshka truncation); zero-padded up to `storedDimensions`. */
  dimensions: number
  /** Size of the stored vector column. */
  storedDimensions: number
  /** Bound on one embed() call, retries included: past it the caller falls back. */
  timeoutMs: number
  /** Only for a local fake or a private endpoint; unset means the regional Vertex AI endpoint. */
  baseUrl?: string
  /** Credentials other than Application Default Credentials (tests use a fixed token). */
  authClient?: AuthClient
  /** Requests in flight at once. */
  concurrency?: number
}

/** Per request: gemini-embedding models take one input; the text-embedding family up to 250 (and ~20k tokens). */
function batchLimits(model: string): { inputs: number; characters: number } {
  return model.startsWith('gemini-embedding') ? { inputs: 1, characters: Infinity } : { inputs: 250, characters: 60_000 }
}

const embeddingSchema = z.object({ values: z.array(z.number()).min(1) })

/**
 * Embeddings from Vertex AI through @google/genai (the :predict endpoint), batched
 * within the model's request limits, a few requests in flight, L2-normalised and
 * zero-padded to the stored size (padding keeps cosine similarity unchanged).
 * Any failure or timeout throws `embedding_failed`: the caller falls back to
 * keyword and structured ranking and says so.
 */
export class VertexEmbedder implements Embedder {
  readonly name: string
  readonly dimensions: number
  private readonly client: GoogleGenAI

  constructor(private readonly options: VertexEmbedderOptions) {
    if (options.dimensions > options.storedDimensions) {
      throw new CodedError(
        'embedding_config_invalid',
        `EMBEDDINGS_DIMENSIONS ${options.dimensions} is larger than the stored vector size ${options.storedDimensions}`,
      )
    }
    // Vectors of another model or size are not comparable: the name says both.
    this.name = `vertex:${options.model}@${options.dimensions}`
    this.dimensions = options.storedDimensions
    const clientOptions: GoogleGenAIOptions = {
      vertexai: true,
      project: options.project,
      location: options.location,
      httpOptions: {
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        timeout: options.timeoutMs,
        retryOptions: { attempts: 2, initialDelay: 0.1, maxDelay: 0.5 },
      },
      ...(options.authClient ? { googleAuthOptions: { authClient: options.authClient as never } } : {}),
    }
    this.client = new GoogleGenAI(clientOptions)
  }

  async embed(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return []
    const batches = this.batches(texts)
    const results: number[][][] = new Array(batches.length)
    const deadline = AbortSignal.timeout(this.options.timeoutMs)
    let next = 0
    const worker = async () => {
      while (next < batches.length) {
        const i = next++
        results[i] = await this.embedBatch(batches[i]!, deadline)
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 4, batches.length) }, worker))
    return results.flat()
  }

  private batches(texts: string[]): string[][] {
    const limit = batchLimits(this.options.model)
    const out: string[][] = []
    let current: string[] = []
    let characters = 0
    for (const text of texts) {
      if (current.length > 0 && (current.length >= limit.inputs || characters + text.length > limit.characters)) {
        out.push(current)
        current = []
        characters = 0
      }
      current.push(text)
      characters += text.length
    }
    if (current.length > 0) out.push(current)
    return out
  }

  private async embedBatch(texts: string[], abortSignal: AbortSignal): Promise<number[][]> {
    let response: Awaited<ReturnType<typeof this.client.models.embedContent>>
    try {
      response = await this.client.models.embedContent({
        model: this.options.model,
        // The service rejects empty input; a lone space embeds as "nothing said".
        contents: texts.map((t) => (t.trim() ? t : ' ')),
        config: { outputDimensionality: this.options.dimensions, taskType: 'SEMANTIC_SIMILARITY', autoTruncate: true, abortSignal },
      })
    } catch (err) {
      const reason = abortSignal.aborted ? `timed out after ${this.options.timeoutMs} ms` : errorMessage(err)
      throw new CodedError('embedding_failed', `Vertex AI ${this.options.model}: ${reason}`, { cause: err })
    }
    const embeddings = response.embeddings ?? []
    if (embeddings.length !== texts.length) {
      throw new CodedError('embedding_failed', `Vertex AI ${this.options.model} returned ${embeddings.length} embeddings for ${texts.length} inputs`)
    }
    return embeddings.map((e) => {
      const parsed = embeddingSchema.safeParse(e)
      if (!parsed.success || parsed.data.values.length !== this.options.dimensions) {
        throw new CodedError(
          'embedding_failed',
          `Vertex AI ${this.options.model} returned a vector of ${parsed.success ? parsed.data.values.length : 'no'} values, ` +
            `expected ${this.options.dimensions}`,
        )
      }
      const values = parsed.data.values
      const norm = Math.hypot(...values)
      const padded = new Array<number>(this.options.storedDimensions).fill(0)
      values.forEach((v, i) => {
        padded[i] = norm === 0 ? 0 : v / norm
      })
      return padded
    })
  }
}
