import type { AnalysisPorts } from '../../src/core/analysis/analyze-incident'
import { uncalibrated } from '../../src/core/confidence/calibration'
import { HashingEmbedder } from '../../src/core/correlation/hashing-embedder'
import type { TelemetryPort } from '../../src/core/telemetry/port'

/** Ports for an analysis that reads only telemetry: no history, no playbooks, the prior calibration. */
export function telemetryOnlyAnalysisPorts(telemetry: TelemetryPort, now: Date): AnalysisPorts {
  return {
    embedder: new HashingEmbedder(256),
    telemetry,
    search: { searchCandidates: async () => ({ candidates: [], keywords: [], errorSignature: null }) },
    calibration: { diagnosis: uncalibrated(), retrieval: uncalibrated() },
    playbooks: [],
    now: () => now,
  }
}
