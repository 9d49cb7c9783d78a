import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import exportCommand from '../../src/commands/playbooks/export'
import type { PlaybookEditSuggestion } from '../../src/core/playbooks/playbook-edit-suggestion'
import type { Playbook } from '../../src/core/playbooks/schema'
import type { Database } from '../../src/storage/database'
import { checkPlaybookFiles, loadPlaybookFiles } from '../../src/storage/playbook-files'
import {
  approvePlaybookProposal,
  currentPlaybooks,
  getCurrentPlaybook,
  listPlaybookVersions,
  recordPlaybookProposal,
  rejectPlaybookProposal,
  revertPlaybook,
  syncPlaybooks,
} from '../../src/storage/repositories/playbook-versions'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const [fixture] = loadPlaybookFiles('test/fixtures/playbooks').filter((p) => p.id === 'db-connection-test') as [Playbook]
const now = new Date('2026-12-01T10:00:00Z')

/** The fixture with the pool threshold changed: what a "raise-threshold" edit or a file edit does. */
function withThreshold(pb: Playbook, value: number): Playbook {
  return { ...pb, steps: pb.steps.map((s) => (s.kind === 'query' && s.id === 'pool-saturation' ? { ...s, assert: { ...s.assert, value } } : s)) }
}

function suggestion(base: Playbook, value: number): PlaybookEditSuggestion {
  return {
    playbookId: base.id,
    baseVersion: base.version,
    kind: 'raise-threshold',
    summary: `raise the pool threshold to ${value}`,
    evidence: ['fired on 9 healthy days of 12 runs'],
    base,
    edited: withThreshold(base, value),
  }
}

describe('playbook versions on Postgres', () => {
  let t: TestDatabase
  let db: Database
  beforeAll(async () => {
    t = await createTestDatabase()
    db = t.handle.db
  })
  afterAll(async () => t?.drop())

  const versions = async () => (await listPlaybookVersions(db, fixture.id)).map((v) => ({ version: v.version, source: v.source }))
  // What the analyses use (currentPlaybooks, which keeps checked definitions between calls) must follow every change too.
  const current = async () => {
    const stored = (await getCurrentPlaybook(db, fixture.id))!
    expect(await currentPlaybooks(db, [fixture])).toEqual([stored])
    return stored
  }

  it('stores a file as its first version; an unchanged reload adds none; a changed file becomes the next version', async () => {
    expect((await syncPlaybooks(db, [fixture], now))[0]).toMatchObject({ created: 1 })
    expect((await syncPlaybooks(db, [fixture], now))[0]).toMatchObject({ created: null })
    expect(await versions()).toEqual([{ version: 1, source: 'file' }])

    const [synced] = await syncPlaybooks(db, [withThreshold(fixture, 0.8)], now)
    expect(synced).toMatchObject({ created: 2 })
    expect(await versions()).toEqual([
      { version: 2, source: 'file' },
      { version: 1, source: 'file' },
    ])
    expect(await current()).toEqual({ ...withThreshold(fixture, 0.8), version: 2 })
  })

  it('makes an approved edit the current version once, with who approved it and why; an unchanged file leaves it current', async () => {
    const base = await current()
    const { proposal, created } = await recordPlaybookProposal(db, suggestion(base, 0.95))
    expect(created).toBe(true)
    // The same edit of the same version is one proposal.
    expect(await recordPlaybookProposal(db, suggestion(base, 0.95))).toMatchObject({ created: false, proposal: { id: proposal.id } })

    const approved = await approvePlaybookProposal(db, { proposalId: proposal.id, userId: 'U0ALICE', reason: 'too noisy', now })
    expect(approved).toMatchObject({ kind: 'approved', version: { version: 3, source: 'suggestion', approvedBy: 'U0ALICE', reason: 'too noisy' } })
    const again = await approvePlaybookProposal(db, { proposalId: proposal.id, userId: 'U0ALICE', reason: 'retry', now })
    expect(again).toMatchObject({ kind: 'already_decided', proposal: { status: 'approved', resultingVersion: 3, reason: 'too noisy' } })
    expect(await current()).toEqual({ ...withThreshold(fixture, 0.95), version: 3 })

    // The file on disk still says 0.8: reloading it changes nothing.
    expect((await syncPlaybooks(db, [withThreshold(fixture, 0.8)], now))[0]).toMatchObject({ created: null, playbook: { version: 3 } })
    expect((await versions()).map((v) => v.version)).toEqual([3, 2, 1])
  })

  it('answers stale, and applies nothing, when the playbook changed since the edit was proposed', async () => {
    const base = await current()
    const { proposal } = await recordPlaybookProposal(db, suggestion(base, 0.99))
    // Someone edits the file meanwhile: a new version on top of the approved edit.
    expect((await syncPlaybooks(db, [withThreshold(fixture, 0.85)], now))[0]).toMatchObject({ created: 4 })
    const outcome = await approvePlaybookProposal(db, { proposalId: proposal.id, userId: 'U0ALICE', reason: 'ok', now })
    expect(outcome).toMatchObject({ kind: 'stale', currentVersion: 4, proposal: { status: 'stale' } })
    expect(await current()).toEqual({ ...withThreshold(fixture, 0.85), version: 4 })
  })

  it('stores a rejection once', async () => {
    const { proposal } = await recordPlaybookProposal(db, suggestion(await current(), 0.7))
    expect(await rejectPlaybookProposal(db, { proposalId: proposal.id, userId: 'U0BOB', reason: null, now })).toMatchObject({
      kind: 'rejected',
      proposal: { status: 'rejected', decidedBy: 'U0BOB' },
    })
    expect(await rejectPlaybookProposal(db, { proposalId: proposal.id, userId: 'U0BOB', reason: null, now })).toMatchObject({ kind: 'already_decided' })
    expect((await current()).version).toBe(4)
  })

  it('reverts by copying an old version into a new one, once', async () => {
    const revert = (expectCurrent?: number) =>
      revertPlaybook(db, { playbookId: fixture.id, toVersion: 3, userId: 'U0ALICE', reason: 'back', now, expectCurrent })
    expect(await revert(3)).toEqual({ kind: 'changed', current: 4 })
    expect(await revert(4)).toMatchObject({ kind: 'reverted', from: 4, version: { version: 5, source: 'revert', summary: 'revert to v3' } })
    // A second click announced for v4 finds v5 current; a command finds nothing to change.
    expect(await revert(4)).toEqual({ kind: 'changed', current: 5 })
    expect(await revert()).toEqual({ kind: 'unchanged', current: 5 })
    expect(await current()).toEqual({ ...withThreshold(fixture, 0.95), version: 5 })
    expect(await revertPlaybook(db, { playbookId: fixture.id, toVersion: 42, userId: 'U0ALICE', reason: null, now })).toEqual({
      kind: 'not_found',
      what: 'version',
    })
  })

  describe('sre-agent playbooks export', () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbooks-export-'))
    afterEach(() => {
      vi.unstubAllEnvs()
      vi.restoreAllMocks()
    })
    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    it('writes the current versions as YAML that loads back as the same playbooks, and adds no version when loaded', async () => {
      vi.stubEnv('DATABASE_URL', t.url)
      const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
      expect(await exportCommand.run(['--out', dir])).toBe(0)
      expect(out.mock.calls.map((c) => String(c[0]))).toContain(`${fixture.id}.yaml v5\n`)
      expect(readdirSync(dir).sort()).toEqual(['db-connection-test.yaml', 'schema.json'])
      expect(readFileSync(join(dir, 'db-connection-test.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json')
      const [checked] = checkPlaybookFiles(dir)
      expect(checked).toMatchObject({ ok: true, playbook: await current() })

      expect((await syncPlaybooks(db, loadPlaybookFiles(dir), now))[0]).toMatchObject({ created: null, playbook: { version: 5 } })
      // Then edited in git: a new version on top.
      expect((await syncPlaybooks(db, [{ ...(await current()), title: 'Pool exhaustion' }], now))[0]).toMatchObject({ created: 6 })
    })
  })
})
