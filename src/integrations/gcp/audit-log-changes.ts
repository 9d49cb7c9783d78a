import { z } from 'zod'
import type { ChangeEvent } from '../../core/telemetry/port'
import type { CallApi } from './api-call-gate'
import { quoteFilterString } from './filter-syntax'
import type { GcpClients } from './gcp-clients'
import { redactSecrets } from './redact-secrets'
import { pageLogEntries } from './logging-entries'
import { protoTimestampSchema, timestampMs } from './response-fields'
import type { ResolvedService } from './service-catalog'

/** The Admin Activity audit log: every rollout and configuration change is written there, always on and free. */
const ACTIVITY_LOG = 'cloudaudit.googleapis.com%2Factivity'

/** The audit log methods that change what runs, by the API that logs them, and what each change is. */
const CHANGE_METHODS: Record<string, Record<string, ChangeEvent['kind']>> = {
  'run.googleapis.com': {
    'google.cloud.run.v1.Services.ReplaceService': 'deploy',
    'google.cloud.run.v2.Services.UpdateService': 'deploy',
  },
  'k8s.io': {
    'io.k8s.apps.v1.deployments.update': 'deploy',
    'io.k8s.apps.v1.deployments.patch': 'deploy',
  },
  'container.googleapis.com': {
    'google.container.v1.ClusterManager.UpdateCluster': 'config_change',
    'google.container.v1.ClusterManager.UpdateNodePool': 'config_change',
  },
  'clouddeploy.googleapis.com': {
    'google.cloud.deploy.v1.CloudDeploy.CreateRollout': 'deploy',
    'google.cloud.deploy.v1.CloudDeploy.RollbackTarget': 'rollback',
  },
}

/** What a change of each API is called in the timeline. */
const API_NAMES: Record<string, string> = {
  'run.googleapis.com': 'Cloud Run',
  'k8s.io': 'GKE',
  'container.googleapis.com': 'GKE cluster',
  'clouddeploy.googleapis.com': 'Cloud Deploy',
}

/**
 * The Logging query for the rollouts and configuration changes of one service: Cloud Run updates of its service,
 * GKE updates of its workload, updates of its cluster, and Cloud Deploy rollouts of its pipeline, in the window.
 */
export function buildChangeEventFilter(projectId: string, service: ResolvedService, startIso: string, endIso: string): string {
  const labels = service.resource.labels
  const workload = labels.service_name ?? labels.container_name ?? service.name
  const clauses: string[] = []
  const methods = (api: string) =>
    `(${Object.keys(CHANGE_METHODS[api]!)
      .map((m) => `protoPayload.methodName=${quoteFilterString(m, 'method')}`)
      .join(' OR ')})`
  const api = (name: string, resource: string) => {
    const onResource = `protoPayload.resourceName:${quoteFilterString(resource, 'resource')}`
    clauses.push(`(protoPayload.serviceName=${quoteFilterString(name, 'API')} AND ${methods(name)} AND ${onResource})`)
  }
  api('run.googleapis.com', `services/${workload}`)
  api('k8s.io', `deployments/${workload}`)
  if (labels.cluster_name) api('container.googleapis.com', `clusters/${labels.cluster_name}`)
  api('clouddeploy.googleapis.com', `deliveryPipelines/${service.name}`)
  return [
    `logName=${quoteFilterString(`projects/${projectId}/logs/${ACTIVITY_LOG}`, 'log name')}`,
    `timestamp>=${quoteFilterString(startIso, 'start')}`,
    `timestamp<=${quoteFilterString(endIso, 'end')}`,
    `(${clauses.join(' OR ')})`,
  ].join(' AND ')
}

/** The Logs Explorer showing the audit entry itself (by its insertId, around its time). */
export function auditEntryLink(projectId: string, insertId: string, atMs: number): string | null {
  if (/[\u0000-\u001f\u007f]/.test(insertId) || insertId.length > 256) return null
  const around = (ms: number) => new Date(ms).toISOString()
  const query = `insertId=${quoteFilterString(insertId, 'insertId')}\ntimestamp>="${around(atMs - 60_000)}"\ntimestamp<="${around(atMs + 60_000)}"`
  return `https://console.cloud.google.com/logs/query;query=${encodeURIComponent(query)}?project=${encodeURIComponent(projectId)}`
}

/** What is cached of one change: plain values, redacted already. */
export interface CachedChange {
  id: string
  atMs: number
  kind: ChangeEvent['kind']
  description: string
  actor: string | null
}

const anySchema = z.object({ type_url: z.string().nullish(), typeUrl: z.string().nullish(), value: z.instanceof(Uint8Array).nullish() }).loose()
const auditEntrySchema = z.object({
  insertId: z.string().nullish(),
  timestamp: protoTimestampSchema.nullish(),
  receiveTimestamp: protoTimestampSchema.nullish(),
  protoPayload: anySchema.nullish(),
})
const listResponseSchema = z.object({ entries: z.array(auditEntrySchema), nextPageToken: z.string().nullish() })

export interface ChangeEntriesRequest {
  resourceNames: string[]
  filter: string
  orderBy: 'timestamp asc'
  pageSize: number
}

/** The changes the audit log holds for the request, oldest first, following page tokens up to `maxPages`. */
export async function fetchChangeEvents(
  clients: GcpClients,
  call: CallApi,
  request: ChangeEntriesRequest,
  limit: number,
  maxPages: number,
): Promise<CachedChange[]> {
  const { items } = await pageLogEntries(
    clients,
    call,
    { ...request },
    {
      schema: listResponseSchema,
      limit,
      maxPages,
      keep: (entry: z.infer<typeof listResponseSchema>['entries'][number]) => {
        const at = entry.timestamp ?? entry.receiveTimestamp
        const payload = entry.protoPayload
        if (!at || !payload?.value || !(payload.type_url ?? payload.typeUrl ?? '').endsWith('google.cloud.audit.AuditLog')) return null
        const change = describeChange(decodeAuditLog(payload.value))
        if (!change) return null
        const atMs = timestampMs(at)
        return { id: entry.insertId || `${atMs}:${change.description}`, atMs, ...change }
      },
    },
  )
  return items
}

function describeChange(log: AuditLogFields): Omit<CachedChange, 'id' | 'atMs'> | null {
  const kind = CHANGE_METHODS[log.serviceName]?.[log.methodName]
  if (!kind) return null
  const verb = log.methodName.slice(log.methodName.lastIndexOf('.') + 1)
  const failed = log.statusCode ? ` (failed: ${log.statusMessage || `code ${log.statusCode}`})` : ''
  const description = redactSecrets(`${API_NAMES[log.serviceName] ?? log.serviceName} ${verb} ${log.resourceName}${failed}`).slice(0, 500)
  return { kind, description, actor: log.principalEmail || null }
}

/** The fields of google.cloud.audit.AuditLog a change needs (the package ships no audit_log.proto to decode it with). */
export interface AuditLogFields {
  serviceName: string
  methodName: string
  resourceName: string
  principalEmail: string
  statusCode: number
  statusMessage: string
}

// Field numbers of google/cloud/audit/audit_log.proto and google/rpc/status.proto.
const AUDIT = { status: 2, authenticationInfo: 3, serviceName: 7, methodName: 8, resourceName: 11 }
const AUTHENTICATION = { principalEmail: 1 }
const STATUS = { code: 1, message: 2 }

/** Decodes the protobuf wire format of an AuditLog, reading the fields above and skipping the rest. */
export function decodeAuditLog(bytes: Uint8Array): AuditLogFields {
  const fields: AuditLogFields = { serviceName: '', methodName: '', resourceName: '', principalEmail: '', statusCode: 0, statusMessage: '' }
  const text = (b: Uint8Array) => new TextDecoder().decode(b)
  readMessage(bytes, (field, value) => {
    if (typeof value === 'number') return
    if (field === AUDIT.serviceName) fields.serviceName = text(value)
    else if (field === AUDIT.methodName) fields.methodName = text(value)
    else if (field === AUDIT.resourceName) fields.resourceName = text(value)
    else if (field === AUDIT.authenticationInfo) {
      readMessage(value, (f, v) => {
        if (f === AUTHENTICATION.principalEmail && typeof v !== 'number') fields.principalEmail = text(v)
      })
    } else if (field === AUDIT.status) {
      readMessage(value, (f, v) => {
        if (f === STATUS.code && typeof v === 'number') fields.statusCode = v
        else if (f === STATUS.message && typeof v !== 'number') fields.statusMessage = text(v)
      })
    }
  })
  return fields
}

/** Calls `visit` with each field: varints as numbers, length-delimited fields as bytes; fixed-size ones are skipped. */
function readMessage(bytes: Uint8Array, visit: (field: number, value: number | Uint8Array) => void): void {
  let pos = 0
  const varint = (): number => {
    let result = 0
    let shift = 0
    for (;;) {
      if (pos >= bytes.length) throw new Error('truncated AuditLog payload')
      const byte = bytes[pos++]!
      // Beyond 2^53 precision is lost; no field read here is that large (a status code is an int32).
      result += (byte & 0x7f) * 2 ** shift
      if ((byte & 0x80) === 0) return result
      shift += 7
      if (shift > 63) throw new Error('malformed varint in AuditLog payload')
    }
  }
  while (pos < bytes.length) {
    const key = varint()
    const field = Math.floor(key / 8)
    const wire = key % 8
    if (wire === 0) visit(field, varint())
    else if (wire === 2) {
      const length = varint()
      if (pos + length > bytes.length) throw new Error('truncated AuditLog payload')
      visit(field, bytes.subarray(pos, pos + length))
      pos += length
    } else if (wire === 1) pos += 8
    else if (wire === 5) pos += 4
    else throw new Error(`unsupported wire type ${wire} in AuditLog payload`)
  }
}
