import type { CalibrationModel } from '../confidence/calibration'
import { retrievalConfidence, type RetrievalConfidence } from '../confidence/retrieval-confidence'
import type { CorrelationResult } from './correlate-incident'

/** How the history search went, for the "Similar incidents" message and the trail. */
export interface RetrievalSummary {
  mode: 'hybrid' | 'lexical_structured'
  embeddingModel: string
  keywords: string[]
  errorSignature: string | null
  /** Caps and fallbacks the reader must know about. */
  notes: string[]
  confidence: RetrievalConfidence
  /** False when the best match is below the threshold: shown as "no confident match". */
  confident: boolean
  calibration: Pick<CalibrationModel, 'method' | 'samples'>
}

/** How a history search went and how sure its best match is, calibrated as labels allow. */
export function summarizeRetrieval(correlation: CorrelationResult, calibration: CalibrationModel, confidenceThreshold: number): RetrievalSummary {
  const confidence = retrievalConfidence(correlation.matches, calibration)
  return {
    mode: correlation.mode,
    embeddingModel: correlation.embeddingModel,
    keywords: correlation.keywords,
    errorSignature: correlation.errorSignature,
    notes: correlation.notes,
    confidence,
    confident: correlation.matches.length > 0 && confidence.probability >= confidenceThreshold,
    calibration: { method: calibration.method, samples: calibration.samples },
  }
}
