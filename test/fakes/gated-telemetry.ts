import { ForwardingTelemetry } from '../../src/core/telemetry/forwarding-telemetry'
import type { MetricQuery, MetricSeries, TelemetryPort } from '../../src/core/telemetry/port'

/** Wraps a telemetry port and holds every metric query until `open()`: an analysis that stays in flight while a test acts. */
export class GatedTelemetry extends ForwardingTelemetry {
  private release!: () => void
  private readonly gate = new Promise<void>((resolve) => {
    this.release = resolve
  })
  private reachedGate!: () => void
  /** Resolves when the first metric query waits at the gate. */
  readonly reached = new Promise<void>((resolve) => {
    this.reachedGate = resolve
  })

  constructor(inner: TelemetryPort) {
    super(inner, { metricGrid: true })
  }

  open(): void {
    this.release()
  }

  override async metrics(query: MetricQuery): Promise<MetricSeries> {
    this.reachedGate()
    await this.gate
    return this.inner.metrics(query)
  }
}
