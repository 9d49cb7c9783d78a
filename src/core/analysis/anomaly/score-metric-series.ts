import { StreamingAnomalyDetector, type AnomalyPointScore, type StreamingAnomalyDetectorOptions } from './streaming-anomaly-detector'

/**
 * Runs one fresh detector over a whole series, point by point (the result is what a live
 * detector would have said at each point). A NaN value is a missing point: it gets `null`
 * and leaves the detector untouched.
 */
export function scoreMetricSeries(
  points: ReadonlyArray<{ timestamp: number; value: number }>,
  options: Partial<StreamingAnomalyDetectorOptions> = {},
): Array<AnomalyPointScore | null> {
  const detector = new StreamingAnomalyDetector(options)
  return points.map((p) => (Number.isNaN(p.value) ? null : detector.updateDetailed(new Date(p.timestamp), p.value)))
}
