import type { TelemetryPort } from '../../core/telemetry/port'

/**
 * Used when no telemetry provider is configured: every source reports itself
 * missing, so the trail says plainly that no telemetry was examined.
 */
export class UnavailableTelemetry implements TelemetryPort {
  readonly name = 'none'
  private fail(): Promise<never> {
    return Promise.reject(new Error('no telemetry provider configured (TELEMETRY_PROVIDER=none)'))
  }
  metrics() {
    return this.fail()
  }
  logs() {
    return this.fail()
  }
  errors() {
    return this.fail()
  }
  traces() {
    return this.fail()
  }
  async services() {
    return []
  }
}
