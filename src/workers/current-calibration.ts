import { calibrationModelSchema, type CalibrationModel } from '../core/confidence/calibration'
import { refitCalibration, type CalibrationKind } from '../core/confidence/refit-calibration'
import { MINUTE_MS } from '../core/durations'
import { getLatestCalibration, listLabelledConfidence, saveCalibration } from '../storage/repositories/analyses'
import type { WorkerDeps } from './worker-deps'

/** Outcomes accrue over hours, not milliseconds: the labelled set is re-read at most this often per process. */
const CALIBRATION_TTL_MS = MINUTE_MS
const calibrationCache = new WeakMap<object, Map<CalibrationKind, { at: number; model: CalibrationModel }>>()

/** currentCalibration, re-read at most once a minute per database. */
export async function cachedCalibration(deps: Pick<WorkerDeps, 'db' | 'logger' | 'now'>, kind: CalibrationKind): Promise<CalibrationModel> {
  const perDb = calibrationCache.get(deps.db) ?? new Map()
  calibrationCache.set(deps.db, perDb)
  const hit = perDb.get(kind)
  if (hit && deps.now().getTime() - hit.at < CALIBRATION_TTL_MS) return hit.model
  const model = await currentCalibration(deps, kind)
  perDb.set(kind, { at: deps.now().getTime(), model })
  return model
}

/**
 * The newest calibration of this kind, refitted and stored first when enough new outcomes have
 * been labelled since (feedback accrues as incidents are resolved and actions decided).
 */
export async function currentCalibration(deps: Pick<WorkerDeps, 'db' | 'logger'>, kind: CalibrationKind): Promise<CalibrationModel> {
  const latest = await getLatestCalibration(deps.db, kind)
  const labelled = await listLabelledConfidence(deps.db, kind)
  const stored = latest
    ? calibrationModelSchema.safeParse({ ...(latest.model as object), method: latest.method, samples: latest.samples, positives: latest.positives })
    : null
  const refit = refitCalibration(kind, labelled, stored?.success ? stored.data : null)
  if (!refit.refitted) return refit.model
  const { model } = refit
  await saveCalibration(deps.db, {
    kind,
    method: model.method,
    samples: model.samples,
    positives: model.positives,
    model: { platt: model.platt, isotonic: model.isotonic },
    ece: refit.ece,
    brier: refit.brier,
  })
  deps.logger.info({ kind, method: model.method, samples: model.samples }, 'confidence calibration refitted')
  return model
}
