/** Polls an async probe until it returns a value (not undefined/null/false); fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, { timeoutMs = 15_000, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== null && value !== false) return value
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
