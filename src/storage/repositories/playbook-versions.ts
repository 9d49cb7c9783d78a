import { createHash } from 'node:crypto'
import { and, desc, eq, inArray, max } from 'drizzle-orm'
import { canonicalJson } from '../../core/canonical-json'
import type { PlaybookEditSuggestion } from '../../core/playbooks/playbook-edit-suggestion'
import { nextFileVersion, sameDefinition, withVersion } from '../../core/playbooks/playbook-versions'
import { playbookSchema, type Playbook } from '../../core/playbooks/schema'
import type { Database } from '../database'
import { parseStoredColumn } from '../parse-stored-column'
import { preparedQuery } from '../prepared-query'
import { playbookProposals, playbooks, playbookVersions, proposalEvidenceSchema, type PlaybookVersionSource } from '../schema'

export type PlaybookVersion = typeof playbookVersions.$inferSelect
export type PlaybookProposal = typeof playbookProposals.$inferSelect
type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0]

function toVersion(row: PlaybookVersion): PlaybookVersion {
  return { ...row, definition: parseStoredColumn(playbookSchema, row.definition, { table: 'playbook_versions', rowId: row.id, column: 'definition' }) }
}

function toProposal(row: PlaybookProposal): PlaybookProposal {
  const where = (column: string) => ({ table: 'playbook_proposals', rowId: row.id, column })
  return {
    ...row,
    evidence: parseStoredColumn(proposalEvidenceSchema, row.evidence, where('evidence')),
    base: parseStoredColumn(playbookSchema, row.base, where('base')),
    edited: parseStoredColumn(playbookSchema, row.edited, where('edited')),
  }
}

function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url')
}

/** What loading the files did to one playbook. */
export interface PlaybookSync {
  playbook: Playbook
  /** The version created from the file, or null when the file had not changed (or matched the current version). */
  created: number | null
}

/**
 * Makes the stored catalogue follow the files: a file whose content changed since it was last loaded becomes a new
 * version, made current; an unchanged file leaves the current version alone (an approved edit stays current).
 * Safe when several processes start at once: each playbook is decided under a lock on its row.
 */
export async function syncPlaybooks(db: Database, catalog: Playbook[], now = new Date()): Promise<PlaybookSync[]> {
  const synced: PlaybookSync[] = []
  for (const file of catalog) {
    const fileDigest = digest(file)
    synced.push(
      await db.transaction(async (tx) => {
        await tx
          .insert(playbooks)
          .values({ id: file.id, title: file.title, version: file.version, definition: file, fileDigest: null, updatedAt: now })
          .onConflictDoNothing()
        const [row] = await tx.select().from(playbooks).where(eq(playbooks.id, file.id)).for('update')
        const current = parseStoredColumn(playbookSchema, row!.definition, { table: 'playbooks', rowId: file.id, column: 'definition' })
        if (row!.fileDigest === fileDigest) return { playbook: current, created: null }
        const latest = await latestVersion(tx, file.id)
        if (latest > 0 && sameDefinition(current, file)) {
          // The file now says what the current version says (e.g. an exported version committed back): nothing new.
          await tx.update(playbooks).set({ fileDigest }).where(eq(playbooks.id, file.id))
          return { playbook: current, created: null }
        }
        const version = nextFileVersion(latest, file.version)
        const definition = withVersion(file, version)
        await tx.insert(playbookVersions).values({ playbookId: file.id, version, definition, source: 'file', summary: 'loaded from its file', createdAt: now })
        await tx.update(playbooks).set({ title: file.title, version, definition, fileDigest, updatedAt: now }).where(eq(playbooks.id, file.id))
        return { playbook: definition, created: version }
      }),
    )
  }
  return synced
}

async function latestVersion(tx: Transaction | Database, playbookId: string): Promise<number> {
  const [row] = await tx
    .select({ latest: max(playbookVersions.version) })
    .from(playbookVersions)
    .where(eq(playbookVersions.playbookId, playbookId))
  return row?.latest ?? 0
}

/** Stored definitions already read and checked, per database: read again only when their row's version or update time moves. */
const checkedDefinitions = new WeakMap<Database, Map<string, { version: number; updatedAt: number; playbook: Playbook }>>()

/**
 * The current definition of each playbook of the catalogue (the files), in its order: what the next runs use. Every
 * analysis asks, so each call reads only the rows' versions and update times; a definition is read and checked against
 * the playbook schema again only when its row changed (a file loaded, an edit approved, a revert).
 */
export async function currentPlaybooks(db: Database, catalog: Playbook[]): Promise<Playbook[]> {
  if (catalog.length === 0) return []
  const checked = checkedDefinitions.get(db) ?? new Map()
  checkedDefinitions.set(db, checked)
  const stamps = await preparedQuery(db, 'playbook_stamps', (d) =>
    d.select({ id: playbooks.id, version: playbooks.version, updatedAt: playbooks.updatedAt }).from(playbooks),
  ).execute()
  const wanted = new Set(catalog.map((p) => p.id))
  const stored = stamps.filter((s) => wanted.has(s.id))
  const changed = stored.filter((s) => {
    const known = checked.get(s.id)
    return !known || known.version !== s.version || known.updatedAt !== s.updatedAt.getTime()
  })
  if (changed.length > 0) {
    const rows = await db
      .select({ id: playbooks.id, version: playbooks.version, updatedAt: playbooks.updatedAt, definition: playbooks.definition })
      .from(playbooks)
      .where(
        inArray(
          playbooks.id,
          changed.map((s) => s.id),
        ),
      )
    for (const r of rows) {
      const playbook = parseStoredColumn(playbookSchema, r.definition, { table: 'playbooks', rowId: r.id, column: 'definition' })
      checked.set(r.id, { version: r.version, updatedAt: r.updatedAt.getTime(), playbook })
    }
  }
  const present = new Set(stored.map((s) => s.id))
  return catalog.map((p) => (present.has(p.id) ? checked.get(p.id)?.playbook : undefined) ?? p)
}

/** The current definition of a stored playbook, or null. */
export async function getCurrentPlaybook(db: Database, playbookId: string): Promise<Playbook | null> {
  const [row] = await db.select().from(playbooks).where(eq(playbooks.id, playbookId))
  return row ? parseStoredColumn(playbookSchema, row.definition, { table: 'playbooks', rowId: row.id, column: 'definition' }) : null
}

/** Every current definition stored, by id (for the export). */
export async function listCurrentPlaybooks(db: Database): Promise<Playbook[]> {
  const rows = await db.select().from(playbooks).orderBy(playbooks.id)
  return rows.map((r) => parseStoredColumn(playbookSchema, r.definition, { table: 'playbooks', rowId: r.id, column: 'definition' }))
}

/** A playbook's versions, newest first. */
export async function listPlaybookVersions(db: Database, playbookId: string): Promise<PlaybookVersion[]> {
  const rows = await db.select().from(playbookVersions).where(eq(playbookVersions.playbookId, playbookId)).orderBy(desc(playbookVersions.version))
  return rows.map(toVersion)
}

export async function getPlaybookVersion(db: Database, playbookId: string, version: number): Promise<PlaybookVersion | null> {
  const [row] = await db
    .select()
    .from(playbookVersions)
    .where(and(eq(playbookVersions.playbookId, playbookId), eq(playbookVersions.version, version)))
  return row ? toVersion(row) : null
}

/** The key under which an edit is proposed once: the same edit of the same base version is the same proposal. */
export function proposalDedupeKey(suggestion: Pick<PlaybookEditSuggestion, 'playbookId' | 'baseVersion' | 'edited'>): string {
  return digest({ playbookId: suggestion.playbookId, baseVersion: suggestion.baseVersion, edited: { ...suggestion.edited, version: 0 } })
}

/** Stores a suggestion as a proposal, once; `created` is false when the same edit of the same version was proposed before. */
export async function recordPlaybookProposal(db: Database, suggestion: PlaybookEditSuggestion): Promise<{ proposal: PlaybookProposal; created: boolean }> {
  const dedupeKey = proposalDedupeKey(suggestion)
  const [inserted] = await db
    .insert(playbookProposals)
    .values({
      playbookId: suggestion.playbookId,
      baseVersion: suggestion.baseVersion,
      dedupeKey,
      kind: suggestion.kind,
      summary: suggestion.summary,
      evidence: suggestion.evidence,
      base: suggestion.base,
      edited: suggestion.edited,
    })
    .onConflictDoNothing({ target: playbookProposals.dedupeKey })
    .returning()
  if (inserted) return { proposal: toProposal(inserted), created: true }
  const [existing] = await db.select().from(playbookProposals).where(eq(playbookProposals.dedupeKey, dedupeKey))
  return { proposal: toProposal(existing!), created: false }
}

/** Whether an edit of this version was proposed before (the trigger's dedupe, before enqueuing). */
export async function wasProposed(db: Database, suggestion: PlaybookEditSuggestion): Promise<boolean> {
  const [row] = await db
    .select({ id: playbookProposals.id })
    .from(playbookProposals)
    .where(eq(playbookProposals.dedupeKey, proposalDedupeKey(suggestion)))
  return Boolean(row)
}

export async function getPlaybookProposal(db: Database, id: string): Promise<PlaybookProposal | null> {
  const [row] = await db.select().from(playbookProposals).where(eq(playbookProposals.id, id))
  return row ? toProposal(row) : null
}

/** Where the proposal was posted, so its decision can be shown on it. */
export async function setProposalMessage(db: Database, id: string, channel: string, ts: string): Promise<void> {
  await db.update(playbookProposals).set({ slackChannel: channel, slackTs: ts }).where(eq(playbookProposals.id, id))
}

export type ProposalDecision =
  | { kind: 'approved'; proposal: PlaybookProposal; version: PlaybookVersion }
  | { kind: 'rejected'; proposal: PlaybookProposal }
  /** The playbook has another current version than the one the edit was made from: nothing applied. */
  | { kind: 'stale'; proposal: PlaybookProposal; currentVersion: number }
  /** Decided before (a double click, a retried submission): the stored decision. */
  | { kind: 'already_decided'; proposal: PlaybookProposal }
  | { kind: 'not_found' }

export interface DecisionInput {
  proposalId: string
  userId: string
  reason: string | null
  now: Date
}

/**
 * Approves a pending proposal, once: its edit becomes a new version, current at once, if the version it was made from
 * is still current; otherwise the proposal is marked stale and nothing changes.
 */
export async function approvePlaybookProposal(db: Database, input: DecisionInput): Promise<ProposalDecision> {
  return db.transaction(async (tx) => {
    const [locked] = await tx.select().from(playbookProposals).where(eq(playbookProposals.id, input.proposalId)).for('update')
    if (!locked) return { kind: 'not_found' }
    const proposal = toProposal(locked)
    if (proposal.status !== 'pending') return { kind: 'already_decided', proposal }
    const [row] = await tx.select().from(playbooks).where(eq(playbooks.id, proposal.playbookId)).for('update')
    const decided = { decidedBy: input.userId, decidedAt: input.now, reason: input.reason }
    if (!row || row.version !== proposal.baseVersion) {
      const [stale] = await tx
        .update(playbookProposals)
        .set({ status: 'stale', ...decided })
        .where(eq(playbookProposals.id, proposal.id))
        .returning()
      return { kind: 'stale', proposal: toProposal(stale!), currentVersion: row?.version ?? 0 }
    }
    const version = await addVersion(tx, proposal.playbookId, proposal.edited, {
      source: 'suggestion',
      summary: proposal.summary,
      approvedBy: input.userId,
      reason: input.reason,
      proposalId: proposal.id,
      now: input.now,
    })
    const [approved] = await tx
      .update(playbookProposals)
      .set({ status: 'approved', resultingVersion: version.version, ...decided })
      .where(eq(playbookProposals.id, proposal.id))
      .returning()
    return { kind: 'approved', proposal: toProposal(approved!), version }
  })
}

/** Rejects a pending proposal, once. */
export async function rejectPlaybookProposal(db: Database, input: DecisionInput): Promise<ProposalDecision> {
  return db.transaction(async (tx) => {
    const [locked] = await tx.select().from(playbookProposals).where(eq(playbookProposals.id, input.proposalId)).for('update')
    if (!locked) return { kind: 'not_found' }
    if (locked.status !== 'pending') return { kind: 'already_decided', proposal: toProposal(locked) }
    const [rejected] = await tx
      .update(playbookProposals)
      .set({ status: 'rejected', decidedBy: input.userId, decidedAt: input.now, reason: input.reason })
      .where(eq(playbookProposals.id, input.proposalId))
      .returning()
    return { kind: 'rejected', proposal: toProposal(rejected!) }
  })
}

export type RevertOutcome =
  | { kind: 'reverted'; version: PlaybookVersion; from: number }
  /** The current version already says what the asked one says. */
  | { kind: 'unchanged'; current: number }
  /** `expectCurrent` was given and another version is current now (the button was for an older state). */
  | { kind: 'changed'; current: number }
  | { kind: 'not_found'; what: 'playbook' | 'version' }

/** Makes an old version current again as a new version (its definition copied), so the history only grows. */
export async function revertPlaybook(
  db: Database,
  input: { playbookId: string; toVersion: number; userId: string; reason: string | null; now: Date; expectCurrent?: number },
): Promise<RevertOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(playbooks).where(eq(playbooks.id, input.playbookId)).for('update')
    if (!row) return { kind: 'not_found', what: 'playbook' }
    if (input.expectCurrent !== undefined && row.version !== input.expectCurrent) return { kind: 'changed', current: row.version }
    const [target] = await tx
      .select()
      .from(playbookVersions)
      .where(and(eq(playbookVersions.playbookId, input.playbookId), eq(playbookVersions.version, input.toVersion)))
    if (!target) return { kind: 'not_found', what: 'version' }
    const old = toVersion(target)
    const current = parseStoredColumn(playbookSchema, row.definition, { table: 'playbooks', rowId: row.id, column: 'definition' })
    if (sameDefinition(current, old.definition)) return { kind: 'unchanged', current: row.version }
    const version = await addVersion(tx, input.playbookId, old.definition, {
      source: 'revert',
      summary: `revert to v${old.version}`,
      approvedBy: input.userId,
      reason: input.reason,
      proposalId: null,
      now: input.now,
    })
    return { kind: 'reverted', version, from: row.version }
  })
}

/** Stores `definition` as the next version and makes it current; the caller holds the playbook row's lock. */
async function addVersion(
  tx: Transaction,
  playbookId: string,
  definition: Playbook,
  meta: { source: PlaybookVersionSource; summary: string; approvedBy: string; reason: string | null; proposalId: string | null; now: Date },
): Promise<PlaybookVersion> {
  const number = (await latestVersion(tx, playbookId)) + 1
  const stored = withVersion(definition, number)
  const [version] = await tx
    .insert(playbookVersions)
    .values({
      playbookId,
      version: number,
      definition: stored,
      source: meta.source,
      summary: meta.summary,
      approvedBy: meta.approvedBy,
      reason: meta.reason,
      proposalId: meta.proposalId,
      createdAt: meta.now,
    })
    .returning()
  await tx.update(playbooks).set({ title: stored.title, version: number, definition: stored, updatedAt: meta.now }).where(eq(playbooks.id, playbookId))
  return toVersion(version!)
}
