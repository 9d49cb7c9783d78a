import { applyCalibration, fitCalibration, type LabelledScore } from '../core/confidence/calibration'
import { brierScore, calibrationErrorFloor, expectedCalibrationError, spiegelhalterTest, type Forecast } from '../core/confidence/calibration-metrics'
import { BM25F_RRF_WEIGHT } from '../core/correlation/bm25f'
import { DuplicateRetrievers, fuseByRank, reportText } from './duplicate-retrievers'
import type { BugReport } from './gitbugs/read-gitbugs-reports'
import { perturbReport } from './perturb-reports'

/** One labelled query of a split: the report and its earlier duplicates. */
export interface SplitQuery {
  report: BugReport
  answers: Set<string>
}

export interface Split {
  name: string
  queries: SplitQuery[]
}

type Lists = Record<string, Array<{ id: string; score: number }>>

/** A ranking of one query: ids best first and the scores they were ranked by. */
export type Ranking = Array<{ id: string; score: number }>

export interface SplitFigures {
  recall: Record<1 | 5 | 10, number>
  mrr: number
  /** 1 − Brier / Brier of the base-rate forecast (the split's rate of right first places): above 0 beats it. */
  brierSkill: number
  brier: number
  spiegelhalterP: number
  ece: number
  eceFloor: number
}

/** Fusions with no fitted weight, set before any split was looked at (RRF, k = 60). */
const FIXED_FUSIONS: Record<string, (l: Lists) => Ranking> = {
  'RRF BM25 + hashing 0.7 + recency 0.5': (l) =>
    fuseByRank([
      { weight: 1, ranked: l.BM25! },
      { weight: 0.7, ranked: l['hashing embedder']! },
      { weight: 0.5, ranked: l.recency! },
    ]),
  'RRF BM25 + LSA': (l) =>
    fuseByRank([
      { weight: 1, ranked: l.BM25! },
      { weight: 1, ranked: l.LSA! },
    ]),
  'RRF BM25 + BM25F': (l) =>
    fuseByRank([
      { weight: 1, ranked: l.BM25! },
      { weight: 1, ranked: l.BM25F! },
    ]),
  [`RRF BM25 + ${BM25F_RRF_WEIGHT} x BM25F (the product's weight)`]: (l) =>
    fuseByRank([
      { weight: 1, ranked: l.BM25! },
      { weight: BM25F_RRF_WEIGHT, ranked: l.BM25F! },
    ]),
  'RRF BM25F + LSA': (l) =>
    fuseByRank([
      { weight: 1, ranked: l.BM25F! },
      { weight: 1, ranked: l.LSA! },
    ]),
  'RRF BM25 + BM25F + LSA': (l) =>
    fuseByRank([
      { weight: 1, ranked: l.BM25! },
      { weight: 1, ranked: l.BM25F! },
      { weight: 1, ranked: l.LSA! },
    ]),
}

/** Weights tried for the second list when it is fitted; 0 is BM25 alone, the prior, kept on ties. */
export const WEIGHT_GRID = [0, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2]
/** Fusions whose second list's weight is learned from labelled outcomes (leave-one-split-out). */
const FITTED_FUSIONS: Record<string, string> = {
  'RRF BM25 + w x hashing': 'hashing embedder',
  'RRF BM25 + w x LSA': 'LSA',
  'RRF BM25 + w x BM25F': 'BM25F',
}

/** The margin of the first score over the second, as a logit the calibration starts from (BM25's signal, used for every list). */
function marginLogit(ranking: Ranking): number | null {
  const [a, b] = ranking
  if (!a || a.score <= 0) return null
  const margin = b ? (a.score - b.score) / a.score : 1
  return -2 + 6 * margin
}

/**
 * A fused list's confidence logit: BM25's margin between the fused first and second (negative when BM25
 * prefers the second). Fused reciprocal-rank scores are too flat to carry a margin of their own.
 */
function keywordMarginLogit(ranking: Ranking, bm25: Ranking): number | null {
  const [first, second] = ranking
  if (!first) return null
  const score = new Map(bm25.map((r) => [r.id, r.score]))
  const a = score.get(first.id) ?? 0
  const b = second ? (score.get(second.id) ?? 0) : 0
  const top = Math.max(a, b)
  return top === 0 ? -2 : -2 + 6 * ((a - b) / top)
}

/** Recall@k, MRR over the top 10 and the calibration of P(first is right), calibrated prequentially (on earlier queries only). */
export function splitFigures(rows: Array<{ ranking: Ranking; answers: Set<string>; logit?: number | null }>): SplitFigures {
  const labelled: LabelledScore[] = []
  const forecasts: Forecast[] = []
  const hits = { 1: 0, 5: 0, 10: 0 }
  let mrr = 0
  for (const r of rows) {
    const first = r.ranking.slice(0, 10).findIndex((x) => r.answers.has(x.id))
    if (first >= 0) mrr += 1 / (first + 1)
    for (const k of [1, 5, 10] as const) if (first >= 0 && first < k) hits[k]++
    const label: 0 | 1 = first === 0 ? 1 : 0
    const logit = r.logit === undefined ? marginLogit(r.ranking) : r.logit
    forecasts.push({ probability: logit === null ? 0 : applyCalibration(fitCalibration(labelled), logit), label })
    if (logit !== null) labelled.push({ logit, label })
  }
  const n = Math.max(1, rows.length)
  const rate = hits[1] / n
  const brier = brierScore(forecasts)
  const reference = rate * (1 - rate)
  return {
    recall: { 1: hits[1] / n, 5: hits[5] / n, 10: hits[10] / n },
    mrr: mrr / n,
    brier,
    brierSkill: reference === 0 ? 0 : 1 - brier / reference,
    spiegelhalterP: spiegelhalterTest(forecasts).p,
    ece: expectedCalibrationError(forecasts),
    eceFloor: calibrationErrorFloor(forecasts.map((f) => f.probability)).mean,
  }
}

export interface SplitReport {
  split: string
  perturbed: boolean
  queries: number
  rows: Array<{ system: string; figures: SplitFigures; weight?: string }>
}

/**
 * Every retriever alone and the fusions, side by side, on each split, on all splits together and
 * on a perturbed copy of each query (reworded summary, description sometimes dropped). A fused
 * weight is fitted on the other splits only (leave-one-split-out; needs two splits or more).
 * `extra` adds systems measured elsewhere (the product's hybrid search, with its own confidence logit), query by query.
 */
export function compareRetrievers(
  reports: BugReport[],
  splits: Split[],
  extra: Record<string, (query: SplitQuery, perturbed: boolean) => { ranking: Ranking; logit: number | null }> = {},
): SplitReport[] {
  const retrievers = new DuplicateRetrievers(reports.map(reportText))
  const lists = new Map<string, Lists>()
  const listsOf = (q: SplitQuery, perturbed: boolean): Lists => {
    const key = `${perturbed}:${q.report.id}`
    if (!lists.has(key)) {
      const found: Lists = retrievers.run(reportText(perturbed ? perturbReport(q.report) : q.report))
      for (const [name, fuse] of Object.entries(FIXED_FUSIONS)) found[name] = fuse(found)
      lists.set(key, found)
    }
    return lists.get(key)!
  }
  const fitted = (second: string, weight: number) => (l: Lists) =>
    fuseByRank([
      { weight: 1, ranked: l.BM25! },
      { weight, ranked: l[second]! },
    ])
  /** The weight with the best MRR on these queries; on a tie the smaller (BM25 alone is the prior). */
  const fitWeight = (second: string, queries: SplitQuery[]): number => {
    let best = { weight: 0, mrr: -1 }
    for (const weight of WEIGHT_GRID) {
      const { mrr } = splitFigures(queries.map((q) => ({ ranking: fitted(second, weight)(listsOf(q, false)), answers: q.answers })))
      if (mrr > best.mrr + 1e-9) best = { weight, mrr }
    }
    return best.weight
  }
  const weights = new Map<string, Map<string, number>>()
  if (splits.length > 1) {
    for (const [fusion, second] of Object.entries(FITTED_FUSIONS)) {
      weights.set(
        fusion,
        new Map(
          splits.map((s) => [
            s.name,
            fitWeight(
              second,
              splits.filter((o) => o !== s).flatMap((o) => o.queries),
            ),
          ]),
        ),
      )
    }
  }
  const withAll = splits.length > 1 ? [...splits, { name: 'all', queries: splits.flatMap((s) => s.queries) }] : splits
  const splitOf = new Map(splits.flatMap((s) => s.queries.map((q) => [q, s.name] as const)))
  const out: SplitReport[] = []
  for (const perturbed of [false, true]) {
    for (const split of withAll) {
      const rows: SplitReport['rows'] = []
      const names = Object.keys(listsOf(split.queries[0]!, perturbed)).filter((n) => n !== 'recency')
      for (const name of names) {
        const fused = name in FIXED_FUSIONS
        const rowsOf = split.queries.map((q) => {
          const ranking = listsOf(q, perturbed)[name]!
          return { ranking, answers: q.answers, logit: fused ? keywordMarginLogit(ranking, listsOf(q, perturbed).BM25!) : undefined }
        })
        rows.push({ system: name, figures: splitFigures(rowsOf) })
      }
      for (const [fusion, second] of Object.entries(FITTED_FUSIONS)) {
        const byHeldOut = weights.get(fusion)
        if (!byHeldOut) continue
        const ranking = (q: SplitQuery) => fitted(second, byHeldOut.get(splitOf.get(q)!)!)(listsOf(q, perturbed))
        const used = [...new Set(split.queries.map((q) => byHeldOut.get(splitOf.get(q)!)!))].join(', ')
        rows.push({
          system: `${fusion} (w fitted on the other splits)`,
          weight: used,
          figures: splitFigures(
            split.queries.map((q) => ({ ranking: ranking(q), answers: q.answers, logit: keywordMarginLogit(ranking(q), listsOf(q, perturbed).BM25!) })),
          ),
        })
      }
      for (const [name, rank] of Object.entries(extra)) {
        rows.push({ system: name, figures: splitFigures(split.queries.map((q) => ({ ...rank(q, perturbed), answers: q.answers }))) })
      }
      out.push({ split: split.name, perturbed, queries: split.queries.length, rows })
    }
  }
  return out
}

/** The reports as a table: one block per split, BM25 first, every figure beside it. */
export function formatSplitReports(reports: SplitReport[]): string {
  const f = (x: number) => x.toFixed(3)
  const lines: string[] = []
  for (const r of reports) {
    lines.push('', `${r.split}${r.perturbed ? ', perturbed queries' : ''} (${r.queries} queries)`)
    lines.push(`${'retriever'.padEnd(58)} recall@1  @5     @10    MRR    BSS     Spiegelhalter p  ECE (floor)`)
    for (const row of r.rows) {
      const m = row.figures
      const name = row.weight === undefined ? row.system : `${row.system} w=${row.weight}`
      lines.push(
        `${name.padEnd(58)} ${f(m.recall[1])}     ${f(m.recall[5])}  ${f(m.recall[10])}  ${f(m.mrr)}  ${m.brierSkill >= 0 ? '+' : ''}${f(m.brierSkill)}  ` +
          `${m.spiegelhalterP.toFixed(2).padEnd(15)}  ${f(m.ece)} (${f(m.eceFloor)})`,
      )
    }
  }
  return lines.join('\n')
}
