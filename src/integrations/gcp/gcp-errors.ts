import { CodedError } from '../../core/errors'
import { GCP_API_TITLES, type GcpApi } from './gcp-api'

/**
 * A call to a Google API that failed for a reason other than the query itself. `retryable`
 * says whether backing off can help (quota, overload); `retryDelayMs` is the delay the API
 * asked for, when it named one.
 */
export class GcpApiError extends CodedError {
  constructor(
    readonly api: GcpApi,
    readonly status: string,
    message: string,
    readonly retryable: boolean,
    readonly retryDelayMs: number | null = null,
  ) {
    super(
      status === 'RESOURCE_EXHAUSTED'
        ? 'gcp_quota_exhausted'
        : status === 'PERMISSION_DENIED' || status === 'UNAUTHENTICATED'
          ? 'gcp_permission_denied'
          : 'gcp_api_error',
      `${GCP_API_TITLES[api]}: ${status}: ${message}`,
      { api, status },
    )
    this.name = 'GcpApiError'
  }
}

/** The API answered, but not in the shape its documentation promises: the source is reported missing. */
export class GcpResponseInvalidError extends CodedError {
  constructor(api: GcpApi, method: string, problem: string) {
    super('gcp_response_invalid', `${GCP_API_TITLES[api]} ${method} answered in an unexpected shape: ${problem}`, { api, method })
    this.name = 'GcpResponseInvalidError'
  }
}

/** The shared rate limit would hold the request past its time budget, so it is not sent at all. */
export class GcpRateLimitedError extends CodedError {
  constructor(api: GcpApi, waitMs: number) {
    super('gcp_rate_limited', `${GCP_API_TITLES[api]}: the shared rate limit has no slot within the next ${Math.round(waitMs)} ms`, { api, waitMs })
    this.name = 'GcpRateLimitedError'
  }
}

/** A service catalog file that cannot be used: names the file and the field. */
export class GcpCatalogError extends CodedError {
  constructor(message: string) {
    super('gcp_catalog_invalid', message)
    this.name = 'GcpCatalogError'
  }
}
