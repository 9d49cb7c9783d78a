import type { z } from 'zod'
import { ValidationError } from '../../core/errors'

/** The `field` named when the whole body is wrong (not an object, wrong JSON type). */
const ROOT_FIELD = 'body'
const MAX_QUOTED_INPUT_LENGTH = 60

/**
 * Parses `body` with `schema`, or throws a ValidationError naming the first bad
 * field as a dotted path (`alerts[0].labels`) with a message an operator can act
 * on: `incident.state must be "open" or "closed", got "firing"`.
 */
export function parseOrThrowValidationError<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body, { error: describeIssueForOperators })
  if (!result.success) throw zodErrorToValidationError(result.error)
  return result.data
}

/**
 * Turns the first issue of a ZodError into a ValidationError. Its message reads
 * best when the error came from parseOrThrowValidationError, whose error map
 * writes every message as a predicate ("must be ..., got ...").
 */
export function zodErrorToValidationError(error: z.ZodError): ValidationError {
  const issue = error.issues[0]
  if (!issue) return new ValidationError(`${ROOT_FIELD} is invalid`, ROOT_FIELD)
  const field = toDottedPath(issue.path)
  return new ValidationError(`${field} ${issue.message}`, field, {
    issue: issue.code,
    issueCount: error.issues.length,
  })
}

/** `['alerts', 0, 'labels']` → `alerts[0].labels`; odd keys are quoted: `labels["app.kubernetes.io/name"]`. */
export function toDottedPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return ROOT_FIELD
  return path.reduce<string>((dotted, key) => {
    if (typeof key === 'number') return `${dotted}[${key}]`
    const name = String(key)
    if (/^[A-Za-z_$][\w$]*$/.test(name)) return dotted === '' ? name : `${dotted}.${name}`
    return `${dotted}[${JSON.stringify(name)}]`
  }, '')
}

/** Describes a received value briefly and safely (long strings are cut, objects are not dumped). */
export function describeReceivedValue(input: unknown): string {
  if (input === undefined) return 'nothing'
  if (input === null) return 'null'
  if (Array.isArray(input)) return `an array of ${input.length} item${input.length === 1 ? '' : 's'}`
  if (typeof input === 'string') {
    if (input.length <= MAX_QUOTED_INPUT_LENGTH) return JSON.stringify(input)
    return `${JSON.stringify(`${input.slice(0, MAX_QUOTED_INPUT_LENGTH)}…`)} (${input.length} characters)`
  }
  if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') return String(input)
  if (typeof input === 'object') return 'an object'
  return typeof input
}

/** Per-parse error map: schema-level messages still win, this covers every built-in check. */
function describeIssueForOperators(issue: z.core.$ZodRawIssue): string | undefined {
  const got = describeReceivedValue(issue.input)
  switch (issue.code) {
    case 'invalid_type': {
      const expected = describeExpectedType(String(issue.expected))
      return issue.input === undefined ? `is missing; it must be ${expected}` : `must be ${expected}, got ${got}`
    }
    case 'invalid_value': {
      const expected = joinAlternatives(issue.values.map((value) => describeLiteral(value)))
      return issue.input === undefined ? `is missing; it must be ${expected}` : `must be ${expected}, got ${got}`
    }
    case 'too_small':
      return describeBound('at least', issue.origin, issue.minimum, issue.inclusive, issue.input)
    case 'too_big':
      return describeBound('at most', issue.origin, issue.maximum, issue.inclusive, issue.input)
    case 'invalid_format':
      return `must be ${describeFormat(issue.format)}, got ${got}`
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}, got ${got}`
    case 'unrecognized_keys':
      return `has unexpected fields: ${issue.keys.join(', ')}`
    case 'invalid_union':
      return `does not match any accepted form, got ${got}`
    case 'invalid_key':
      return 'has a key that is not allowed'
    case 'invalid_element':
      return 'has an entry that is not allowed'
    default:
      return undefined
  }
}

function describeExpectedType(expected: string): string {
  switch (expected) {
    case 'object':
    case 'record':
      return 'a JSON object'
    case 'array':
      return 'an array'
    case 'int':
      return 'a whole number'
    case 'boolean':
      return 'true or false'
    default:
      return `a ${expected}`
  }
}

function describeBound(bound: 'at least' | 'at most', origin: string, limit: number | bigint, inclusive: boolean | undefined, input: unknown): string {
  const comparison = inclusive === false ? (bound === 'at least' ? 'more than' : 'fewer than') : bound
  switch (origin) {
    case 'string':
      if (bound === 'at least' && Number(limit) <= 1) return 'must not be empty'
      return `must be ${comparison} ${String(limit)} characters long, got ${sizeOf(input)}`
    case 'array':
    case 'set':
      return `must contain ${comparison} ${String(limit)} item${Number(limit) === 1 ? '' : 's'}, got ${sizeOf(input)}`
    default: {
      const numeric = inclusive === false ? (bound === 'at least' ? 'greater than' : 'less than') : bound
      return `must be ${numeric} ${String(limit)}, got ${describeReceivedValue(input)}`
    }
  }
}

function sizeOf(input: unknown): number {
  if (typeof input === 'string' || Array.isArray(input)) return input.length
  if (input instanceof Set) return input.size
  return 0
}

function describeFormat(format: string): string {
  switch (format) {
    case 'datetime':
      return 'an ISO 8601 timestamp with a time zone, such as "2024-05-14T09:12:03Z"'
    case 'url':
      return 'a URL'
    default:
      return `a valid ${format}`
  }
}

function describeLiteral(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

/** `["a"]` → `"a"`, `["a", "b", "c"]` → `"a", "b" or "c"`. */
function joinAlternatives(options: string[]): string {
  if (options.length <= 1) return options[0] ?? 'a known value'
  return `${options.slice(0, -1).join(', ')} or ${options.at(-1)}`
}
