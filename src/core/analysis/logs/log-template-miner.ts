import { MaskCache, maskLogTokens } from './mask-log-tokens'
import {
  WILDCARD,
  capturePattern,
  compilePattern,
  generalizeToken,
  hasDigit,
  isWordChar,
  matchesPattern,
  tokenSkeleton,
  type TokenPattern,
} from './template-token'
import { DEFAULT_LOG_MESSAGE_LIMITS, tokenizeLogMessage, type LogMessageLimits } from './tokenize-log-message'

export interface LogTemplateMinerOptions {
  /**
   * How many templates may differ in one word slot only (`interface ee0` / `alt0` /
   * `scip0`) before that slot is taken to be a parameter and they merge.
   */
  maxWordVariants: number
  /** Share of a message's tokens that must equal (or fit) a template's for the message to join it. */
  minSimilarity: number
  /**
   * Caps that bound memory and the work per message on hostile input (every line
   * different): past them, a message that fits no template is counted under the
   * overflow template (`OVERFLOW_TEMPLATE_ID`, text `<*>`) instead of starting one.
   */
  maxTemplates: number
  maxTemplatesPerBucket: number
  limits: LogMessageLimits
}

export const DEFAULT_MINER_OPTIONS: LogTemplateMinerOptions = {
  maxWordVariants: 3,
  minSimilarity: 0.5,
  maxTemplates: 50_000,
  maxTemplatesPerBucket: 500,
  limits: DEFAULT_LOG_MESSAGE_LIMITS,
}

/** Where messages go once the template caps are reached. */
export const OVERFLOW_TEMPLATE_ID = 0

export interface MinedMessage {
  /** Stable for the template's life; after a merge `resolve` maps it to the surviving template. */
  templateId: number
  /** The template as it stands after this message (it may generalize further later). */
  template: string
  /** What each `<*>` stood for in this message, in order. */
  parameters: string[]
  /** The message was cut to the configured limits before mining. */
  truncated: boolean
}

export interface LogTemplateStats {
  templateId: number
  template: string
  count: number
  /** When the first and last messages arrived (only if `add` was given times). */
  firstSeenAt: Date | null
  lastSeenAt: Date | null
}

enum Kind {
  Word, // no digit, no parameter: a keyword
  Alnum, // digits but no parameter: `ee0`, `bglio559`
  Pattern, // partly a parameter: `node-<*>`
  Wildcard, // `<*>`
}

interface Family {
  position: number
  members: Cluster[]
}

interface Cluster {
  id: number
  tokens: string[]
  patterns: Array<TokenPattern | null>
  kinds: Kind[]
  count: number
  bucket: Cluster[]
  families: Map<number, Family>
  /** Per generalized position, the distinct non-parameter tokens seen there (capped). */
  variants: Map<number, Set<string>>
  /** The rendered template, dropped whenever a token changes. */
  text: string | null
  firstSeenAt: number
  lastSeenAt: number
}

/**
 * An online log-template miner in the spirit of Drain (He et al., ICWS 2017), built to
 * produce Loghub-style templates:
 *
 * 1. Parameters that are certain (numbers, hex, IPs, paths, ids, date-times…) are masked
 *    before clustering, so they neither split templates nor pick tree branches.
 * 2. Messages are bucketed by token count and first token (Drain's fixed-depth tree).
 * 3. A message joins the most similar template in its bucket that it does not contradict.
 *    Two tokens contradict when they differ in words, not just numbers (`ee0` vs `alt0`,
 *    `SCREEN_ON` vs `SCREEN_OFF`); differing numbers or ids generalize the template at
 *    the finest level that still covers both (`node-D3`, `node-D4` → `node-<*>`).
 * 4. Templates that differ in one word slot only are siblings; once a slot has more than
 *    `maxWordVariants` siblings it is a parameter (user names, domains) and they merge.
 */
export class LogTemplateMiner {
  private readonly options: LogTemplateMinerOptions
  private readonly buckets = new Map<string, Cluster[]>()
  private readonly clusters = new Map<number, Cluster>()
  private readonly aliases = new Map<number, number>()
  private readonly maskCache = new MaskCache()
  private nextId = 1

  constructor(options: Partial<LogTemplateMinerOptions> = {}) {
    this.options = { ...DEFAULT_MINER_OPTIONS, ...options }
  }

  /** Mines one message. `at` feeds the first/last-seen statistics. */
  add(message: string, at?: Date): MinedMessage {
    const { tokens, truncated } = tokenizeLogMessage(message, this.options.limits)
    const { raw, masked } = maskLogTokens(tokens, this.maskCache)
    const key = bucketKey(masked)
    let bucket = this.buckets.get(key)
    if (!bucket) {
      bucket = []
      this.buckets.set(key, bucket)
    }
    const time = at ? at.getTime() : NaN

    let joined: Cluster | null = null
    let joinedMatches = -1
    let sibling: Cluster | null = null
    let siblingMatches = 0
    let siblingAt = -1
    const length = masked.length
    for (const cluster of bucket) {
      let matches = 0
      let constants = 0
      let conflicts = 0
      let conflictAt = -1
      for (let p = 0; p < length; p++) {
        const t = cluster.tokens[p]!
        const m = masked[p]!
        if (t === m || (cluster.patterns[p] !== null && matchesPattern(cluster.patterns[p]!, raw[p]!))) {
          matches++
          if (cluster.kinds[p] !== Kind.Wildcard) constants++
        } else if (contradicts(t, cluster.kinds[p]!, m, kindOf(m))) {
          conflictAt = p
          if (++conflicts > 1) break
        }
      }
      if (conflicts === 0) {
        if (matches > joinedMatches && (length === 0 || matches / length >= this.options.minSimilarity)) {
          joined = cluster
          joinedMatches = matches
        }
      } else if (conflicts === 1 && constants > 0 && length > 1 && matches > siblingMatches) {
        sibling = cluster
        siblingMatches = matches
        siblingAt = conflictAt
      }
    }

    let cluster: Cluster
    if (joined) {
      cluster = joined
      cluster.count++
      seenAt(cluster, time)
      const generalized: number[] = []
      for (let p = 0; p < length; p++) {
        const t = cluster.tokens[p]!
        if (t === masked[p] || (cluster.patterns[p] !== null && matchesPattern(cluster.patterns[p]!, raw[p]!))) continue
        this.noteVariant(cluster, p, t, masked[p]!)
        setToken(cluster, p, generalizeToken(t, masked[p]!))
        generalized.push(p)
      }
      if (generalized.length > 0) {
        cluster = this.mergeDuplicates(cluster)
        for (const p of generalized) {
          const family = cluster.families.get(p)
          if (family && this.familyWeight(family) > this.options.maxWordVariants) cluster = this.mergeFamily(family)
        }
      }
    } else if (this.clusters.size >= this.options.maxTemplates || bucket.length >= this.options.maxTemplatesPerBucket) {
      const overflow = this.overflowCluster()
      overflow.count++
      seenAt(overflow, time)
      return { templateId: overflow.id, template: WILDCARD, parameters: [raw.join(' ')], truncated }
    } else {
      cluster = newCluster(this.nextId++, masked, bucket, time)
      bucket.push(cluster)
      this.clusters.set(cluster.id, cluster)
      if (sibling) cluster = this.addSibling(sibling, cluster, siblingAt)
    }
    return minedMessage(cluster, raw, truncated)
  }

  /** The id a template has now: itself, or the template it was merged into. */
  resolve(templateId: number): number {
    let id = templateId
    for (let next = this.aliases.get(id); next !== undefined; next = this.aliases.get(id)) id = next
    if (id !== templateId) this.aliases.set(templateId, id)
    return id
  }

  /** The current text of a template (after following merges); undefined for an unknown id. */
  template(templateId: number): string | undefined {
    const cluster = this.clusters.get(this.resolve(templateId))
    return cluster ? render(cluster) : undefined
  }

  /** Every live template with its statistics, most frequent first. */
  templates(): LogTemplateStats[] {
    return [...this.clusters.values()]
      .map((c) => ({
        templateId: c.id,
        template: render(c),
        count: c.count,
        firstSeenAt: Number.isNaN(c.firstSeenAt) ? null : new Date(c.firstSeenAt),
        lastSeenAt: Number.isNaN(c.lastSeenAt) ? null : new Date(c.lastSeenAt),
      }))
      .sort((a, b) => b.count - a.count || a.templateId - b.templateId)
  }

  private overflowCluster(): Cluster {
    let overflow = this.clusters.get(OVERFLOW_TEMPLATE_ID)
    if (!overflow) {
      overflow = newCluster(OVERFLOW_TEMPLATE_ID, [WILDCARD], [], NaN)
      overflow.count = 0
      this.clusters.set(OVERFLOW_TEMPLATE_ID, overflow)
    }
    return overflow
  }

  private addSibling(existing: Cluster, created: Cluster, position: number): Cluster {
    let family = existing.families.get(position)
    if (!family) {
      family = { position, members: [existing] }
      existing.families.set(position, family)
    }
    family.members.push(created)
    created.families.set(position, family)
    return this.familyWeight(family) > this.options.maxWordVariants ? this.mergeFamily(family) : created
  }

  /** How many distinct words a family's slot has taken, counting values a member already generalized over. */
  private familyWeight(family: Family): number {
    let weight = 0
    for (const m of family.members) weight += Math.max(1, m.variants.get(family.position)?.size ?? 1)
    return weight
  }

  private mergeFamily(family: Family): Cluster {
    const survivor = family.members.reduce((a, b) => (a.id < b.id ? a : b))
    survivor.families.delete(family.position)
    for (const member of family.members) if (member !== survivor) this.absorb(survivor, member, family)
    return this.mergeDuplicates(survivor)
  }

  private noteVariant(cluster: Cluster, p: number, old: string, value: string): void {
    let seen = cluster.variants.get(p)
    if (!seen) {
      seen = new Set()
      if (old !== WILDCARD) seen.add(old)
      cluster.variants.set(p, seen)
    }
    if (value !== WILDCARD && seen.size <= this.options.maxWordVariants) seen.add(value)
  }

  /** Moves `gone` into `survivor`: one template covering both, counts added, `gone` aliased. */
  private absorb(survivor: Cluster, gone: Cluster, merging: Family | null): void {
    for (let p = 0; p < survivor.tokens.length; p++) {
      const merged = generalizeToken(survivor.tokens[p]!, gone.tokens[p]!)
      if (merged !== survivor.tokens[p]) setToken(survivor, p, merged)
    }
    for (const [p, seen] of gone.variants) {
      const own = survivor.variants.get(p)
      if (!own) survivor.variants.set(p, seen)
      else for (const v of seen) if (own.size <= this.options.maxWordVariants) own.add(v)
    }
    survivor.count += gone.count
    seenAt(survivor, gone.firstSeenAt)
    seenAt(survivor, gone.lastSeenAt)
    const index = gone.bucket.indexOf(gone)
    if (index >= 0) gone.bucket.splice(index, 1)
    this.clusters.delete(gone.id)
    this.aliases.set(gone.id, survivor.id)
    for (const [position, family] of gone.families) {
      if (family === merging) continue
      family.members = family.members.filter((m) => m !== gone)
      const own = survivor.families.get(position)
      if (own === family) continue
      if (!own) {
        family.members.push(survivor)
        survivor.families.set(position, family)
      } else {
        for (const m of family.members) {
          if (!own.members.includes(m)) own.members.push(m)
          m.families.set(position, own)
        }
      }
    }
    gone.families.clear()
  }

  /** Folds templates in the same bucket that have become identical into the oldest one. */
  private mergeDuplicates(cluster: Cluster): Cluster {
    let survivor = cluster
    for (const other of [...cluster.bucket]) {
      if (other === survivor || !sameTokens(other.tokens, survivor.tokens)) continue
      const [keep, gone] = other.id < survivor.id ? [other, survivor] : [survivor, other]
      this.absorb(keep, gone, null)
      survivor = keep
    }
    for (const family of survivor.families.values()) {
      family.members = family.members.filter((m) => this.clusters.has(m.id))
      if (family.members.length <= 1) for (const m of family.members) m.families.delete(family.position)
    }
    return survivor
  }
}

function newCluster(id: number, tokens: string[], bucket: Cluster[], time: number): Cluster {
  return {
    id,
    tokens: tokens.slice(),
    patterns: tokens.map(compilePattern),
    kinds: tokens.map(kindOf),
    count: 1,
    bucket,
    families: new Map(),
    variants: new Map(),
    text: null,
    firstSeenAt: time,
    lastSeenAt: time,
  }
}

function seenAt(cluster: Cluster, time: number): void {
  if (Number.isNaN(time)) return
  if (Number.isNaN(cluster.firstSeenAt) || time < cluster.firstSeenAt) cluster.firstSeenAt = time
  if (Number.isNaN(cluster.lastSeenAt) || time > cluster.lastSeenAt) cluster.lastSeenAt = time
}

function kindOf(token: string): Kind {
  if (token === WILDCARD) return Kind.Wildcard
  if (token.indexOf(WILDCARD) >= 0) return Kind.Pattern
  return hasDigit(token) ? Kind.Alnum : Kind.Word
}

/**
 * Whether two differing tokens name different events rather than different values:
 * a keyword against anything else does, so do two tokens whose shapes differ once
 * numbers are blanked; a bare parameter against a token with digits does not.
 */
function contradicts(t: string, tKind: Kind, m: string, mKind: Kind): boolean {
  if (mKind === Kind.Pattern && matchesPattern(compilePattern(m)!, t)) return false
  if (tKind === Kind.Word || mKind === Kind.Word) return true
  if (tKind === Kind.Wildcard || mKind === Kind.Wildcard) return false
  const key = keyOf(t)
  if (key > 0 && key === keyOf(m) && t.startsWith(m.slice(0, key))) return false
  return tokenSkeleton(t) !== tokenSkeleton(m)
}

/** Length of a `key=` or `key:` prefix (word characters then `=` or `:`), or 0. */
function keyOf(token: string): number {
  let i = 0
  while (i < token.length && isWordChar(token.charCodeAt(i))) i++
  const c = token.charCodeAt(i)
  return i > 0 && (c === 61 || c === 58) ? i + 1 : 0
}

/** Token count and first keyword; the second token too when the first is a parameter (Drain's depth-4 tree). */
function bucketKey(masked: string[]): string {
  const n = masked.length
  if (n === 0) return '0'
  const first = keywordOrWildcard(masked[0]!)
  return first !== WILDCARD || n === 1 ? `${n} ${first}` : `${n} ${WILDCARD} ${keywordOrWildcard(masked[1]!)}`
}

function keywordOrWildcard(token: string): string {
  return hasDigit(token) || token.indexOf(WILDCARD) >= 0 ? WILDCARD : token
}

function setToken(cluster: Cluster, p: number, token: string): void {
  cluster.text = null
  cluster.tokens[p] = token
  cluster.patterns[p] = compilePattern(token)
  cluster.kinds[p] = kindOf(token)
}

function sameTokens(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function render(cluster: Cluster): string {
  cluster.text ??= cluster.tokens.join(' ')
  return cluster.text
}

function minedMessage(cluster: Cluster, raw: string[], truncated: boolean): MinedMessage {
  return new MinedMessageResult(cluster.id, render(cluster), raw, truncated)
}

/** `parameters` is worked out only when read: most callers want the template alone. */
class MinedMessageResult implements MinedMessage {
  private captured: string[] | null = null
  constructor(
    readonly templateId: number,
    readonly template: string,
    private readonly raw: string[],
    readonly truncated: boolean,
  ) {}

  get parameters(): string[] {
    this.captured ??= this.template === '' ? [] : parametersOf(this.template.split(' '), this.raw)
    return this.captured
  }
}

function parametersOf(tokens: string[], raw: string[]): string[] {
  const out: string[] = []
  for (let p = 0; p < tokens.length; p++) {
    const pattern = compilePattern(tokens[p]!)
    if (!pattern) continue
    if (tokens[p] === WILDCARD || !capturePattern(pattern, raw[p]!, out)) out.push(raw[p]!)
  }
  return out
}
