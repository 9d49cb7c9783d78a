/**
 * The part of the Cloud Logging / Cloud Monitoring filter languages the fakes understand:
 * comparisons (= != < <= > >= :) on dotted fields with quoted or bare values, AND / OR /
 * NOT, parentheses and implicit AND. Anything else is a syntax error, which the fakes
 * answer with INVALID_ARGUMENT, as the real APIs do.
 */
export type FilterNode =
  | { kind: 'and' | 'or'; items: FilterNode[] }
  | { kind: 'not'; item: FilterNode }
  | { kind: 'compare'; field: string; op: Operator; value: string }

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | ':'

export class FilterSyntaxError extends Error {}

type Token = { t: 'word' | 'string' | 'op' | 'lparen' | 'rparen'; v: string; at: number }

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    if (c === '(') {
      tokens.push({ t: 'lparen', v: c, at: i++ })
      continue
    }
    if (c === ')') {
      tokens.push({ t: 'rparen', v: c, at: i++ })
      continue
    }
    if (c === '"') {
      let v = ''
      const at = i++
      for (;;) {
        if (i >= text.length) throw new FilterSyntaxError(`unterminated string starting at ${at}`)
        const d = text[i++]!
        if (d === '"') break
        if (d === '\\') {
          if (i >= text.length) throw new FilterSyntaxError(`dangling escape at ${i - 1}`)
          v += text[i++]!
          continue
        }
        v += d
      }
      tokens.push({ t: 'string', v, at })
      continue
    }
    const op = /^(!=|<=|>=|=|<|>|:)/.exec(text.slice(i))
    if (op) {
      tokens.push({ t: 'op', v: op[1]!, at: i })
      i += op[1]!.length
      continue
    }
    const word = /^[A-Za-z0-9_.\-+/@]+/.exec(text.slice(i))
    if (!word) throw new FilterSyntaxError(`unexpected character "${c}" at ${i}`)
    tokens.push({ t: 'word', v: word[0], at: i })
    i += word[0].length
  }
  return tokens
}

export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text)
  let pos = 0
  const peek = () => tokens[pos]
  const isWord = (v: string) => peek()?.t === 'word' && peek()!.v === v

  function orExpr(): FilterNode {
    const items = [andExpr()]
    while (isWord('OR')) {
      pos++
      items.push(andExpr())
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items }
  }
  function andExpr(): FilterNode {
    const items = [unary()]
    for (;;) {
      const next = peek()
      if (!next || next.t === 'rparen' || isWord('OR')) break
      if (isWord('AND')) pos++
      items.push(unary())
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items }
  }
  function unary(): FilterNode {
    if (isWord('NOT')) {
      pos++
      return { kind: 'not', item: unary() }
    }
    return primary()
  }
  function primary(): FilterNode {
    const tok = peek()
    if (!tok) throw new FilterSyntaxError('unexpected end of filter')
    if (tok.t === 'lparen') {
      pos++
      const inner = orExpr()
      if (peek()?.t !== 'rparen') throw new FilterSyntaxError(`missing ) for ( at ${tok.at}`)
      pos++
      return inner
    }
    if (tok.t !== 'word' || !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(tok.v))
      throw new FilterSyntaxError(`expected a field name at ${tok.at}, found "${tok.v}"`)
    pos++
    const op = peek()
    if (op?.t !== 'op') throw new FilterSyntaxError(`expected a comparison after "${tok.v}" at ${op?.at ?? 'end'}`)
    pos++
    const value = peek()
    if (!value || (value.t !== 'string' && value.t !== 'word')) throw new FilterSyntaxError(`expected a value after "${tok.v}${op.v}"`)
    pos++
    return { kind: 'compare', field: tok.v, op: op.v as Operator, value: value.v }
  }

  if (tokens.length === 0) throw new FilterSyntaxError('empty filter')
  const tree = orExpr()
  if (pos !== tokens.length) throw new FilterSyntaxError(`unexpected "${tokens[pos]!.v}" at ${tokens[pos]!.at}`)
  return tree
}

/** Evaluates a parsed filter; `compare` gets the field's value (undefined when absent) and decides. */
export function matchesFilter(node: FilterNode, compare: (field: string, op: Operator, value: string) => boolean): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.every((n) => matchesFilter(n, compare))
    case 'or':
      return node.items.some((n) => matchesFilter(n, compare))
    case 'not':
      return !matchesFilter(node.item, compare)
    case 'compare':
      return compare(node.field, node.op, node.value)
  }
}

/** Comparisons on strings: `:` is a case-insensitive substring match, as in Logging. */
export function compareText(actual: string | undefined, op: Operator, expected: string): boolean {
  if (actual === undefined) return op === '!='
  switch (op) {
    case '=':
      return actual === expected
    case '!=':
      return actual !== expected
    case ':':
      return actual.toLowerCase().includes(expected.toLowerCase())
    case '<':
      return actual < expected
    case '<=':
      return actual <= expected
    case '>':
      return actual > expected
    case '>=':
      return actual >= expected
  }
}

export function compareNumbers(actual: number | undefined, op: Operator, expected: number): boolean {
  if (actual === undefined || Number.isNaN(expected)) return false
  switch (op) {
    case '=':
    case ':':
      return actual === expected
    case '!=':
      return actual !== expected
    case '<':
      return actual < expected
    case '<=':
      return actual <= expected
    case '>':
      return actual > expected
    case '>=':
      return actual >= expected
  }
}

/** Top-level `field = "value"` clauses (ANDed), which the Monitoring fake uses to pick the metric type. */
export function topLevelEqualities(node: FilterNode): Array<{ field: string; value: string }> {
  if (node.kind === 'compare') return node.op === '=' ? [{ field: node.field, value: node.value }] : []
  if (node.kind === 'and') return node.items.flatMap(topLevelEqualities)
  return []
}
