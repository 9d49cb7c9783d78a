import { z } from 'zod'
import { nonBlankText } from './non-blank-text'

/** A sender's "send a test" button: answered and announced, never an incident. */
export interface TestNotification {
  sender: 'Cloud Monitoring'
  /** The alert policy the test was sent from, when the body names it. */
  policy: string | null
}

/** Cloud Monitoring's "Send test notification" body: `version: "test"` and a sample incident. */
const gcpTestNotificationSchema = z.looseObject({
  version: z.literal('test'),
  incident: z.looseObject({ policy_name: z.string().nullish(), condition_name: z.string().nullish() }).nullish(),
})

/** The test notification `body` is, or null when it is a real alert (or not a body this route knows). */
export function recognizeTestNotification(route: string, body: unknown): TestNotification | null {
  if (route !== 'gcp') return null
  const parsed = gcpTestNotificationSchema.safeParse(body)
  if (!parsed.success) return null
  const incident = parsed.data.incident
  return { sender: 'Cloud Monitoring', policy: nonBlankText(incident?.policy_name) ?? nonBlankText(incident?.condition_name) ?? null }
}
