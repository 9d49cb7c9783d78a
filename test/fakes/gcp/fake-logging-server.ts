import { createHash } from 'node:crypto'
import * as grpc from '@grpc/grpc-js'
import protobuf from 'protobufjs'
import { FakeApiControls } from './fake-api-controls'
import { compareNumbers, compareText, FilterSyntaxError, matchesFilter, parseFilter, topLevelEqualities, type FilterNode } from './filter-language'
import { bindInsecure, grpcFailure, loadGrpcPackage, PROTO_DIRS, toProtoTimestamp, type LoadedPackage } from './google-protos'

export const LOG_SEVERITIES = ['DEFAULT', 'DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY'] as const
export type FakeLogSeverity = (typeof LOG_SEVERITIES)[number]

export interface FakeLogEntry {
  logName: string
  resource: { type: string; labels: Record<string, string> }
  timestampMs: number
  severity: FakeLogSeverity
  textPayload?: string
  jsonPayload?: Record<string, string | number | boolean>
  /** Bare trace id; sent as projects/<p>/traces/<id>. */
  traceId?: string
  /** A google.cloud.audit.AuditLog, sent as a protobuf Any as Cloud Logging sends audit entries. */
  protoPayload?: FakeAuditLog
  insertId?: string
}

export interface FakeAuditLog {
  serviceName: string
  methodName: string
  resourceName: string
  principalEmail?: string
  status?: { code: number; message: string }
}

// The AuditLog fields the agent reads, with the numbers of google/cloud/audit/audit_log.proto (not shipped by the client packages).
const auditRoot = protobuf.Root.fromJSON({
  nested: {
    AuditLog: {
      fields: {
        serviceName: { type: 'string', id: 7 },
        methodName: { type: 'string', id: 8 },
        resourceName: { type: 'string', id: 11 },
        authenticationInfo: { type: 'AuthenticationInfo', id: 3 },
        status: { type: 'Status', id: 2 },
        numResponseItems: { type: 'int64', id: 12 },
      },
    },
    AuthenticationInfo: { fields: { principalEmail: { type: 'string', id: 1 } } },
    Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } } },
  },
})
const AuditLog = auditRoot.lookupType('AuditLog')

function encodeAuditLog(log: FakeAuditLog): Uint8Array {
  return AuditLog.encode(
    AuditLog.fromObject({
      serviceName: log.serviceName,
      methodName: log.methodName,
      resourceName: log.resourceName,
      // A field the agent does not read, so the decoder has to skip one.
      numResponseItems: 3,
      ...(log.principalEmail ? { authenticationInfo: { principalEmail: log.principalEmail } } : {}),
      ...(log.status ? { status: log.status } : {}),
    }),
  ).finish()
}

/** Where the fake reads entries from; the hint carries the top-level equalities and the time bounds of the filter. */
export type LogEntrySource = (hint: {
  equalities: Record<string, string>
  startMs: number | null
  endMs: number | null
}) => FakeLogEntry[] | Promise<FakeLogEntry[]>

type Request = { resourceNames?: string[]; filter?: string; orderBy?: string; pageSize?: number; pageToken?: string }

let loggingPackage: LoadedPackage | null = null

/**
 * google.logging.v2.LoggingServiceV2 over real gRPC, from the .proto files that ship with
 * @google-cloud/logging. ListLogEntries evaluates the filter (resource, severity ordering,
 * timestamps, `:` on payloads), orders by timestamp and pages with tokens bound to the filter.
 */
export class FakeLoggingServer {
  readonly controls = new FakeApiControls('logging.googleapis.com')
  source: LogEntrySource = () => []
  /** Real Logging often returns fewer entries than asked for, with a page token for the rest. */
  maxEntriesPerPage = Infinity

  private constructor(
    private readonly server: grpc.Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeLoggingServer> {
    loggingPackage ??= loadGrpcPackage('google/logging/v2/logging.proto', PROTO_DIRS.logging)
    const server = new grpc.Server()
    const holder: { fake?: FakeLoggingServer } = {}
    server.addService(loggingPackage.google.logging.v2.LoggingServiceV2.service, {
      listLogEntries: (call: grpc.ServerUnaryCall<Request, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        void holder.fake!.listLogEntries(call.request, callback),
    })
    const port = await bindInsecure(server)
    holder.fake = new FakeLoggingServer(server, port)
    return holder.fake
  }

  set entries(entries: FakeLogEntry[]) {
    this.source = () => entries
  }

  private async listLogEntries(request: Request, callback: grpc.sendUnaryData<unknown>): Promise<void> {
    const { failure, malformed } = await this.controls.admit('ListLogEntries', request)
    if (failure) return callback(grpcFailure(failure) as grpc.ServiceError)
    if (malformed) return callback(null, { entries: [{ severity: 'ERROR', textPayload: 'no timestamp', timestamp: { seconds: 'soon' } }] })
    const invalid = (message: string) => callback(grpcFailure({ status: 'INVALID_ARGUMENT', message }) as grpc.ServiceError)
    const names = request.resourceNames ?? []
    if (names.length === 0 || names.some((n) => !/^(projects|organizations|folders|billingAccounts)\/[^/]+(\/.*)?$/.test(n)))
      return invalid('resource_names must name projects/[PROJECT_ID] (or an organization, folder or billing account)')
    let tree: FilterNode | null = null
    if (request.filter) {
      try {
        tree = parseFilter(request.filter)
      } catch (err) {
        if (err instanceof FilterSyntaxError) return invalid(`Unparseable filter: ${err.message}`)
        throw err
      }
    }
    const orderBy = request.orderBy ?? ''
    if (!['', 'timestamp asc', 'timestamp desc'].includes(orderBy)) return invalid(`Invalid order_by "${orderBy}"`)
    const pageSize = request.pageSize && request.pageSize > 0 ? request.pageSize : 50
    if (pageSize > 1000) return invalid('page_size must be at most 1000')
    const fingerprint = createHash('sha256')
      .update(`${names.join(',')}|${request.filter ?? ''}|${orderBy}`)
      .digest('hex')
      .slice(0, 16)
    let offset = 0
    if (request.pageToken) {
      const m = /^([0-9a-f]{16}):(\d+)$/.exec(Buffer.from(request.pageToken, 'base64url').toString())
      if (!m || m[1] !== fingerprint) return invalid('page_token does not match the request')
      offset = Number(m[2])
    }
    const equalities = Object.fromEntries((tree ? topLevelEqualities(tree) : []).map((e) => [e.field, e.value]))
    const bounds = tree ? timeBounds(tree) : { startMs: null, endMs: null }
    const project = names[0]!.split('/')[1]!
    const matching = (await this.source({ equalities, ...bounds }))
      .filter((e) => !tree || matchesFilter(tree, (field, op, value) => compareEntryField(e, field, op, value)))
      .sort((a, b) => (orderBy === 'timestamp desc' ? b.timestampMs - a.timestampMs : a.timestampMs - b.timestampMs))
    const size = Math.min(pageSize, this.maxEntriesPerPage)
    const page = matching.slice(offset, offset + size)
    const next = offset + size < matching.length ? Buffer.from(`${fingerprint}:${offset + size}`).toString('base64url') : ''
    callback(null, { entries: page.map((e, i) => toProto(e, project, offset + i)), nextPageToken: next })
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()))
  }
}

function compareEntryField(e: FakeLogEntry, field: string, op: Parameters<typeof compareText>[1], value: string): boolean {
  if (field === 'severity') return compareNumbers(LOG_SEVERITIES.indexOf(e.severity), op, LOG_SEVERITIES.indexOf(value.toUpperCase() as FakeLogSeverity))
  if (field === 'timestamp') return compareNumbers(e.timestampMs, op, Date.parse(value))
  if (field === 'resource.type') return compareText(e.resource.type, op, value)
  if (field === 'logName') return compareText(e.logName, op, value)
  if (field === 'textPayload') return compareText(e.textPayload, op, value)
  if (field === 'trace') return compareText(e.traceId, op, value)
  if (field === 'insertId') return compareText(e.insertId, op, value)
  const audit = /^protoPayload\.(serviceName|methodName|resourceName)$/.exec(field)
  if (audit) return compareText(e.protoPayload?.[audit[1] as 'serviceName' | 'methodName' | 'resourceName'], op, value)
  const label = /^resource\.labels\.([A-Za-z0-9_]+)$/.exec(field)
  if (label) return compareText(e.resource.labels[label[1]!], op, value)
  const json = /^jsonPayload\.([A-Za-z0-9_]+)$/.exec(field)
  if (json) return compareText(e.jsonPayload?.[json[1]!] === undefined ? undefined : String(e.jsonPayload[json[1]!]), op, value)
  return compareText(undefined, op, value)
}

function timeBounds(tree: FilterNode): { startMs: number | null; endMs: number | null } {
  const clauses = tree.kind === 'and' ? tree.items : [tree]
  let startMs: number | null = null
  let endMs: number | null = null
  for (const c of clauses) {
    if (c.kind !== 'compare' || c.field !== 'timestamp') continue
    if (c.op === '>=' || c.op === '>') startMs = Date.parse(c.value)
    if (c.op === '<=' || c.op === '<') endMs = Date.parse(c.value)
  }
  return { startMs, endMs }
}

function toProto(e: FakeLogEntry, project: string, index: number): unknown {
  const entry: Record<string, unknown> = {
    logName: e.logName,
    resource: { type: e.resource.type, labels: e.resource.labels },
    timestamp: toProtoTimestamp(e.timestampMs),
    receiveTimestamp: toProtoTimestamp(e.timestampMs + 250),
    severity: e.severity,
    insertId: e.insertId ?? `fake-${e.timestampMs}-${index}`,
  }
  if (e.protoPayload) entry.protoPayload = { type_url: 'type.googleapis.com/google.cloud.audit.AuditLog', value: Buffer.from(encodeAuditLog(e.protoPayload)) }
  if (e.traceId) entry.trace = `projects/${project}/traces/${e.traceId}`
  if (e.textPayload !== undefined) entry.textPayload = e.textPayload
  else if (e.jsonPayload) {
    entry.jsonPayload = {
      fields: Object.fromEntries(
        Object.entries(e.jsonPayload).map(([k, v]) => [
          k,
          typeof v === 'string' ? { stringValue: v } : typeof v === 'number' ? { numberValue: v } : { boolValue: v },
        ]),
      ),
    }
  }
  return entry
}
