import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  describeReceivedValue,
  parseOrThrowValidationError,
  toDottedPath,
  zodErrorToValidationError,
} from '../../../../src/ingest/parsers/zod-to-validation-error'
import { captureValidationError } from './capture-validation-error'

describe('toDottedPath', () => {
  it.each<[PropertyKey[], string]>([
    [[], 'body'],
    [['incident', 'state'], 'incident.state'],
    [['alerts', 0, 'labels'], 'alerts[0].labels'],
    [['labels', 'app.kubernetes.io/name'], 'labels["app.kubernetes.io/name"]'],
  ])('turns %o into %s', (path, dotted) => {
    expect(toDottedPath(path)).toBe(dotted)
  })
})

describe('describeReceivedValue', () => {
  it('quotes short strings and cuts long ones', () => {
    expect(describeReceivedValue('firing')).toBe('"firing"')
    expect(describeReceivedValue('x'.repeat(100))).toBe(`"${'x'.repeat(60)}…" (100 characters)`)
  })

  it('never dumps objects', () => {
    expect(describeReceivedValue({ secret: 'token' })).toBe('an object')
    expect(describeReceivedValue([1])).toBe('an array of 1 item')
  })
})

describe('parseOrThrowValidationError', () => {
  const schema = z.object({
    count: z.number().int().min(1),
    tags: z.array(z.string()).max(2),
    kind: z.literal('a'),
  })

  it.each<[unknown, string, string]>([
    [{ count: 1.5, tags: [], kind: 'a' }, 'count', 'count must be a whole number, got 1.5'],
    [{ count: 0, tags: [], kind: 'a' }, 'count', 'count must be at least 1, got 0'],
    [{ count: 1, tags: ['a', 'b', 'c'], kind: 'a' }, 'tags', 'tags must contain at most 2 items, got 3'],
    [{ count: 1, tags: [true], kind: 'a' }, 'tags[0]', 'tags[0] must be a string, got true'],
    [{ count: 1, tags: [], kind: 'b' }, 'kind', 'kind must be "a", got "b"'],
  ])('explains %o', (body, field, message) => {
    const error = captureValidationError(() => parseOrThrowValidationError(schema, body))

    expect(error.field).toBe(field)
    expect(error.message).toBe(message)
    expect(error.details).toMatchObject({ field })
  })

  it('returns the parsed value when it is valid', () => {
    expect(parseOrThrowValidationError(schema, { count: 2, tags: ['x'], kind: 'a' })).toEqual({ count: 2, tags: ['x'], kind: 'a' })
  })
})

describe('zodErrorToValidationError', () => {
  it('keeps a message written by the schema', () => {
    const result = z
      .string()
      .refine(() => false, { message: 'is never right' })
      .safeParse('x')
    const error = zodErrorToValidationError(result.error ?? new z.ZodError([]))

    expect(error.field).toBe('body')
    expect(error.message).toBe('body is never right')
  })
})
