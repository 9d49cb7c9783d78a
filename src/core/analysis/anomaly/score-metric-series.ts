import { StreamingAnomalyDetector, type AnomalyPointScore, type DetectorRules, type StreamingAnomalyDetectorOptions } from './streaming-anomaly-detector'

/**
 * Runs one fresh detector over a whole series, point by point (the result is what a live
 * detector would have said at each point). A NaN value is a missing point: it gets `null`
 * and leaves the detector untouched. A point stamped earlier than one already seen is scored as
 * arriving then, at the latest time seen: NAB's detectors take rows in file order, and some files step back.
 */
export function scoreMetricSeries(
  points: ReadonlyArray<{ timestamp: number; value: number }>,
  options: Partial<StreamingAnomalyDetectorOptions> = {},
  rules: Partial<DetectorRules> = {},
): Array<AnomalyPointScore | null> {
  const detector = new StreamingAnomalyDetector(options, rules)
  let latest = -Infinity
  return points.map((p) => {
    if (Number.isNaN(p.value)) return null
    latest = Math.max(latest, p.timestamp)
    return detector.updateDetailed(new Date(latest), p.value)
  })
}
