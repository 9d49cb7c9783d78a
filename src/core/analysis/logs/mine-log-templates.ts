import { LogTemplateMiner, type LogTemplateMinerOptions, type LogTemplateStats } from './log-template-miner'

export interface MinedLog {
  /** Per message, in input order: the template it ended up in once every message was seen. */
  assignments: Array<{ templateId: number; template: string }>
  templates: LogTemplateStats[]
  /** How many messages were cut to the size limits. */
  truncated: number
}

/** Mines a whole batch, then reports each message against its template's final form. */
export function mineLogTemplates(messages: Iterable<string>, options: Partial<LogTemplateMinerOptions> = {}): MinedLog {
  const miner = new LogTemplateMiner(options)
  const ids: number[] = []
  let truncated = 0
  for (const message of messages) {
    const mined = miner.add(message)
    ids.push(mined.templateId)
    if (mined.truncated) truncated++
  }
  const templates = miner.templates()
  const text = new Map(templates.map((t) => [t.templateId, t.template]))
  const assignments = ids.map((id) => {
    const templateId = miner.resolve(id)
    return { templateId, template: text.get(templateId) ?? '' }
  })
  return { assignments, templates, truncated }
}
