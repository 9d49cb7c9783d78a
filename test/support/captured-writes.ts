import { vi } from 'vitest'

/** Replaces `stream.write` (process.stdout or process.stderr) for the test: each chunk goes to `onChunk` as text; `vi.restoreAllMocks()` undoes it. */
export function captureWrites(stream: NodeJS.WriteStream, onChunk: (text: string) => void): void {
  vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
    onChunk(String(chunk))
    return true
  })
}
