import { createHash } from 'node:crypto'

/**
 * Words a reporter could have used instead, each group read both ways. Plain English and the
 * usual abbreviations of the field; the group is picked by the word's lower-cased form.
 */
const SYNONYM_GROUPS: string[][] = [
  ['fails', 'breaks'],
  ['failed', 'broke'],
  ['fail', 'break'],
  ['failure', 'breakage'],
  ['failures', 'breakages'],
  ['error', 'problem'],
  ['errors', 'problems'],
  ['incorrect', 'wrong'],
  ['incorrectly', 'wrongly'],
  ['missing', 'absent'],
  ['create', 'make'],
  ['creates', 'makes'],
  ['created', 'made'],
  ['delete', 'remove'],
  ['deletes', 'removes'],
  ['deleted', 'removed'],
  ['deletion', 'removal'],
  ['start', 'launch'],
  ['starts', 'launches'],
  ['started', 'launched'],
  ['stop', 'halt'],
  ['run', 'execute'],
  ['runs', 'executes'],
  ['running', 'executing'],
  ['use', 'utilize'],
  ['uses', 'utilizes'],
  ['using', 'utilizing'],
  ['get', 'obtain'],
  ['gets', 'obtains'],
  ['show', 'display'],
  ['shows', 'displays'],
  ['hang', 'freeze'],
  ['hangs', 'freezes'],
  ['crash', 'die'],
  ['crashes', 'dies'],
  ['slow', 'sluggish'],
  ['large', 'big'],
  ['small', 'tiny'],
  ['fix', 'repair'],
  ['allow', 'permit'],
  ['allows', 'permits'],
  ['add', 'introduce'],
  ['update', 'change'],
  ['updates', 'changes'],
  ['method', 'function'],
  ['directory', 'folder'],
  ['directories', 'folders'],
  ['dir', 'folder'],
  ['configuration', 'settings'],
  ['config', 'settings'],
  ['cannot', 'unable to'],
  ["can't", 'unable to'],
  ["doesn't", 'does not'],
  ['npe', 'null pointer exception'],
  ['nullpointerexception', 'NPE'],
  ['namenode', 'name node'],
  ['datanode', 'data node'],
  ['nn', 'name node'],
  ['dn', 'data node'],
  ['tests', 'test cases'],
  ['unit test', 'test case'],
  ['timeout', 'time limit'],
  ['timeouts', 'time limits'],
  ['throws', 'raises'],
  ['thrown', 'raised'],
  ['wrong', 'bad'],
  ['should', 'must'],
  ['when', 'if'],
]

const REPLACEMENT = new Map<string, string>()
for (const [a, b] of SYNONYM_GROUPS) {
  if (!REPLACEMENT.has(a!)) REPLACEMENT.set(a!, b!)
  if (!REPLACEMENT.has(b!.toLowerCase()) && !b!.includes(' ')) REPLACEMENT.set(b!.toLowerCase(), a!)
}

/** A seeded uniform generator (mulberry32) per report, so a report is perturbed the same whatever else is in the file. */
function generator(seed: string): () => number {
  let s = createHash('md5').update(seed).digest().readUInt32LE(0)
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface PerturbOptions {
  /** Chance that a word with a synonym is replaced by it. */
  synonymRate: number
  /** Chance that two neighbouring words swap places. */
  swapRate: number
  /** Chance that the description is dropped (the report is its summary only). */
  dropDescriptionRate: number
  seed: number
}

/** Half the words that can be reworded are, one neighbour pair in ten swaps, half the descriptions go. */
export const DEFAULT_PERTURBATION: PerturbOptions = { synonymRate: 0.5, swapRate: 0.1, dropDescriptionRate: 0.5, seed: 16 }

/**
 * The same report as another reporter might have written it: its summary reworded with
 * synonyms and a few neighbouring words swapped, and sometimes no description at all.
 * A retriever that only matches the exact words of the summary loses ground on it.
 */
export function perturbReport<T extends { id: string; summary: string; description: string }>(report: T, options: PerturbOptions = DEFAULT_PERTURBATION): T {
  const random = generator(`${options.seed}:${report.id}`)
  const words = report.summary.split(/\s+/).filter(Boolean)
  const reworded: string[] = []
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!
    const pair = `${word} ${words[i + 1] ?? ''}`.toLowerCase()
    if (REPLACEMENT.has(pair) && random() < options.synonymRate) {
      reworded.push(REPLACEMENT.get(pair)!)
      i++
      continue
    }
    const match = /^([^A-Za-z0-9']*)([A-Za-z0-9']+)([^A-Za-z0-9']*)$/.exec(word)
    const synonym = match ? REPLACEMENT.get(match[2]!.toLowerCase()) : undefined
    reworded.push(match && synonym && random() < options.synonymRate ? `${match[1]}${synonym}${match[3]}` : word)
  }
  for (let i = 0; i + 1 < reworded.length; i++) {
    if (random() < options.swapRate) {
      ;[reworded[i], reworded[i + 1]] = [reworded[i + 1]!, reworded[i]!]
      i++
    }
  }
  const description = random() < options.dropDescriptionRate ? '' : report.description
  return { ...report, summary: reworded.join(' '), description }
}
