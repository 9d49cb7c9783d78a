import type { z } from 'zod'
import { CodedError } from '../core/errors'

/** Where a stored value was read from, named in the error when it does not parse. */
export interface StoredColumn {
  table: string
  rowId: string
  column: string
}

/**
 * Reads a jsonb value through its zod schema: a row written by an older version or edited
 * by hand fails here, naming the row and the field, instead of deep inside a worker.
 */
export function parseStoredColumn<T extends z.ZodType>(schema: T, value: unknown, where: StoredColumn): z.output<T> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((i) => `${[where.column, ...i.path.map(String)].join('.')}: ${i.message}`)
  throw new CodedError('stored_row_invalid', `${where.table} row ${where.rowId} does not match its schema: ${problems.join('; ')}`, { ...where, problems })
}
