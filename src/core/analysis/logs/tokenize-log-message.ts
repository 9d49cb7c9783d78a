/** Size caps that keep one hostile line from costing more than a bounded amount of work. */
export interface LogMessageLimits {
  /** Characters kept from a message; the rest is dropped before mining. */
  maxChars: number
  /** Whitespace-separated tokens kept; the rest is dropped before mining. */
  maxTokens: number
}

export const DEFAULT_LOG_MESSAGE_LIMITS: LogMessageLimits = { maxChars: 16_384, maxTokens: 256 }

export interface LogMessageTokens {
  tokens: string[]
  /** True when the message was longer than `maxChars` or had more than `maxTokens` tokens. */
  truncated: boolean
}

/**
 * Splits a message on whitespace. Control characters (C0, DEL, C1) count as whitespace,
 * so binary garbage becomes ordinary tokens instead of breaking the CSV output.
 */
export function tokenizeLogMessage(message: string, limits: LogMessageLimits = DEFAULT_LOG_MESSAGE_LIMITS): LogMessageTokens {
  let text = message
  let truncated = false
  if (text.length > limits.maxChars) {
    let end = limits.maxChars
    // Do not leave half of a surrogate pair at the cut.
    const last = text.charCodeAt(end - 1)
    if (last >= 0xd800 && last <= 0xdbff) end--
    text = text.slice(0, end)
    truncated = true
  }
  const tokens: string[] = []
  let start = -1
  for (let i = 0; i < text.length; i++) {
    if (isSeparator(text.charCodeAt(i))) {
      if (start >= 0) {
        tokens.push(text.slice(start, i))
        start = -1
        if (tokens.length === limits.maxTokens) {
          truncated ||= hasToken(text, i)
          return { tokens, truncated }
        }
      }
    } else if (start < 0) start = i
  }
  if (start >= 0) tokens.push(text.slice(start))
  return { tokens, truncated }
}

function hasToken(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) if (!isSeparator(text.charCodeAt(i))) return true
  return false
}

function isSeparator(c: number): boolean {
  return c <= 32 || c === 127 || (c >= 0x80 && c <= 0xa0) || c === 0x2028 || c === 0x2029 || c === 0xfeff || c === 0x3000
}
