import type { z } from 'zod'

/** A modal's `response_action: 'errors'`: each field's first problem, keyed by its block id. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const issue of error.issues) errors[String(issue.path[0])] ??= issue.message
  return errors
}
