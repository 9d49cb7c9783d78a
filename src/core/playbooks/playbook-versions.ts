import { canonicalJson } from '../canonical-json'
import type { Playbook } from './schema'

/**
 * How a playbook's stored versions move. Every definition it has had is a numbered version; the playbook row
 * points at the current one, which the next runs use:
 * - a file whose content changed since it was last loaded becomes a new version on top (an unchanged file
 *   leaves an approved edit or a revert current);
 * - an approved edit becomes a new version if the version it was made from is still current (else it is stale);
 * - a revert copies an older version's definition into a new version.
 */

/** The two definitions say the same thing; their `version` fields are not compared. */
export function sameDefinition(a: Playbook, b: Playbook): boolean {
  return canonicalJson({ ...a, version: 0 }) === canonicalJson({ ...b, version: 0 })
}

/** A definition as stored under version `version`: its `version` field says which it is. */
export function withVersion(playbook: Playbook, version: number): Playbook {
  return { ...playbook, version }
}

/**
 * The number of a new version from a file: above every stored one, and the file's own `version` when the
 * team numbered it higher (so a file's number is kept when it can be).
 */
export function nextFileVersion(latestStored: number, fileVersion: number): number {
  return Math.max(latestStored + 1, fileVersion)
}
