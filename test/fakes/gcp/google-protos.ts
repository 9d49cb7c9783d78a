import { createRequire } from 'node:module'
import path from 'node:path'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import protobuf from 'protobufjs'
import type { FakeFailure } from './fake-api-controls'

const require = createRequire(import.meta.url)

/** The .proto files shipped inside the Google packages the agent uses (google/api and google/rpc come with google-gax). */
export const PROTO_DIRS = {
  gax: path.join(path.dirname(require.resolve('google-gax')), '../../build/protos'),
  monitoring: path.join(path.dirname(require.resolve('@google-cloud/monitoring')), '../protos'),
  // @google-cloud/logging carries its generated client and protos in @google-cloud/logging-api.
  logging: path.join(path.dirname(createRequire(require.resolve('@google-cloud/logging')).resolve('@google-cloud/logging-api')), '../protos'),
}

// biome-ignore lint/suspicious/noExplicitAny: proto-loader packages are untyped; each fake narrows what it uses
export type LoadedPackage = any

/** Loads a service definition the way google-gax does (camelCase fields, enums and int64 as strings). */
export function loadGrpcPackage(file: string, ownDir: string): LoadedPackage {
  const definition = protoLoader.loadSync(file, {
    includeDirs: [ownDir, PROTO_DIRS.gax],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  })
  return grpc.loadPackageDefinition(definition)
}

const statusRoot = protobuf.loadSync([path.join(PROTO_DIRS.gax, 'google/rpc/status.proto'), path.join(PROTO_DIRS.gax, 'google/rpc/error_details.proto')])
const Status = statusRoot.lookupType('google.rpc.Status')
const RetryInfo = statusRoot.lookupType('google.rpc.RetryInfo')

/** A gRPC error as Google's servers send it: the code, and google.rpc.Status (with RetryInfo) in grpc-status-details-bin. */
export function grpcFailure(failure: FakeFailure): Partial<grpc.StatusObject> {
  const code = grpc.status[failure.status]
  const details = []
  if (failure.retryDelayMs !== undefined) {
    const seconds = Math.floor(failure.retryDelayMs / 1000)
    const retryInfo = RetryInfo.encode(RetryInfo.fromObject({ retryDelay: { seconds, nanos: (failure.retryDelayMs - seconds * 1000) * 1e6 } })).finish()
    details.push({ type_url: 'type.googleapis.com/google.rpc.RetryInfo', value: retryInfo })
  }
  const metadata = new grpc.Metadata()
  metadata.set('grpc-status-details-bin', Buffer.from(Status.encode(Status.fromObject({ code, message: failure.message, details })).finish()))
  return { code, details: failure.message, metadata }
}

/** The JSON error body of Google's REST APIs. */
export function restFailureBody(failure: FakeFailure, httpStatus: number): unknown {
  const details =
    failure.retryDelayMs === undefined ? [] : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${failure.retryDelayMs / 1000}s` }]
  return { error: { code: httpStatus, message: failure.message, status: failure.status, details } }
}

export function toProtoTimestamp(ms: number): { seconds: string; nanos: number } {
  const seconds = Math.floor(ms / 1000)
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1e6 }
}

export function fromProtoTimestamp(t: { seconds?: string | number; nanos?: number } | null | undefined): number | null {
  if (!t || t.seconds === undefined) return null
  return Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)
}

export async function bindInsecure(server: grpc.Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  )
}
