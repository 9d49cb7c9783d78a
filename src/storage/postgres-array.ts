/**
 * A Postgres array literal with every element quoted, to be passed as one parameter and cast (`${literal}::text[]`):
 * drizzle's `sql` spreads a JavaScript array into a parameter list instead.
 */
export function postgresArrayLiteral(values: ReadonlyArray<string | number>): string {
  return `{${values.map((v) => `"${String(v).replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`
}

const QUOTE = 34
const BACKSLASH = 92
const COMMA = 44
const CLOSE = 125

const signature = (length: number, first: number, last: number): number => length * 0x1000000 + ((first & 0xfff) << 12) + (last & 0xfff)

/**
 * Finds given strings among the elements of a one-dimensional text[] as Postgres writes it (`{a,b,"c d"}`) without making a
 * string of every element: a BM25F pool sends ≈ 500 rows of ≈ 40 terms, of which a handful are the query's, and parsing
 * each array into strings was most of the search's allocation (and of the garbage collector's pauses).
 */
export class ArrayElementMatcher {
  private readonly wanted: ReadonlySet<string>
  private readonly signatures = new Set<number>()

  constructor(wanted: Iterable<string>) {
    this.wanted = new Set(wanted)
    for (const w of this.wanted) if (w.length > 0) this.signatures.add(signature(w.length, w.charCodeAt(0), w.charCodeAt(w.length - 1)))
  }

  /** Calls `found` with each wanted element and its position (from 0), in array order. A NULL element matches nothing. */
  scan(literal: string, found: (element: string, index: number) => void): void {
    const n = literal.length
    let i = literal.indexOf('{') + 1
    if (i === 0 || literal.charCodeAt(i) === CLOSE) return
    for (let index = 0; i < n; index++) {
      if (literal.charCodeAt(i) === QUOTE) {
        // Quoted: an empty string, "NULL" as text, or one holding a delimiter, brace, quote, backslash or space.
        let value = ''
        let j = i + 1
        for (; j < n; j++) {
          const c = literal.charCodeAt(j)
          if (c === QUOTE) break
          value += c === BACKSLASH ? literal[++j] : literal[j]
        }
        if (this.wanted.has(value)) found(value, index)
        i = j + 1
      } else {
        let j = i
        while (j < n && literal.charCodeAt(j) !== COMMA && literal.charCodeAt(j) !== CLOSE) j++
        const length = j - i
        if (length > 0 && this.signatures.has(signature(length, literal.charCodeAt(i), literal.charCodeAt(j - 1)))) {
          const value = literal.slice(i, j)
          // Unquoted NULL is SQL's null, not the text.
          if (!(length === 4 && value.toUpperCase() === 'NULL') && this.wanted.has(value)) found(value, index)
        }
        i = j
      }
      if (i >= n || literal.charCodeAt(i) === CLOSE) return
      i++
    }
  }
}

/**
 * The integers at the given positions (from 0, ascending) of a one-dimensional integer array as Postgres writes it
 * (`{1,0,-2,NULL}`); a NULL or missing element reads as 0.
 */
export function integerArrayElements(literal: string, positions: readonly number[]): number[] {
  const out = new Array<number>(positions.length).fill(0)
  if (positions.length === 0) return out
  const n = literal.length
  let k = 0
  let index = 0
  let value = 0
  let negative = false
  let isNull = false
  for (let i = literal.indexOf('{') + 1; i > 0 && i < n; i++) {
    const c = literal.charCodeAt(i)
    if (c === COMMA || c === CLOSE) {
      if (index === positions[k]) {
        out[k++] = isNull ? 0 : negative ? -value : value
        if (k === positions.length) break
      }
      if (c === CLOSE) break
      index++
      value = 0
      negative = false
      isNull = false
    } else if (c >= 48 && c <= 57) value = value * 10 + (c - 48)
    else if (c === 45) negative = true
    else isNull = true
  }
  return out
}
