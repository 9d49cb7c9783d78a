import { z } from 'zod'

/** Where the response stands, in the order a response goes through them (the same list as the incidents table's). */
export const responseStageSchema = z.enum(['investigating', 'identified', 'monitoring', 'resolved'])
export type ResponseStage = z.infer<typeof responseStageSchema>

/** Reads a stage as people type it ("Monitoring", "identified"); null when it is not one. */
export function parseResponseStage(word: string): ResponseStage | null {
  return responseStageSchema.safeParse(word.trim().toLowerCase()).data ?? null
}
