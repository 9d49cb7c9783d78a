/** Messages of an error and its causes, joined: drizzle wraps the driver's error in `cause`. */
export function errorChain(err: unknown): string {
  const parts: string[] = []
  let current: unknown = err
  while (current instanceof Error && parts.length < 5) {
    parts.push(current.message)
    current = current.cause
  }
  return parts.join(' <- ')
}

export async function rejectionOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    return errorChain(err)
  }
  return 'did not reject'
}
