import { CodedError } from '../../errors'

export type InvalidMetricSeriesCode =
  | 'metric_csv_empty'
  | 'metric_csv_header'
  | 'metric_csv_timestamp'
  | 'metric_csv_value'
  | 'metric_csv_unsorted'
  | 'metric_csv_duplicate_timestamp'
  | 'metric_point_invalid'

/** A metric series the detector refuses rather than score wrongly; `line` is 1-based when it comes from a file. */
export class InvalidMetricSeriesError extends CodedError {
  constructor(
    code: InvalidMetricSeriesCode,
    message: string,
    readonly line?: number,
  ) {
    super(code, line === undefined ? message : `line ${line}: ${message}`, line === undefined ? undefined : { line })
    this.name = 'InvalidMetricSeriesError'
  }
}
