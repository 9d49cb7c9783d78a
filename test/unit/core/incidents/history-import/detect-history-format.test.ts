import { describe, expect, it } from 'vitest'
import { detectHistoryFormat } from '../../../../../src/core/incidents/history-import/detect-history-format'

const detect = (path: string, head: string, isDirectory = false) => detectHistoryFormat({ path, head, isDirectory })

describe('detectHistoryFormat', () => {
  it('knows a folder, Markdown and JSON lines by name or first bytes', () => {
    expect(detect('postmortems', '', true)).toBe('markdown')
    expect(detect('pm.MD', '# x')).toBe('markdown')
    expect(detect('history.txt', '---\ntitle: x\n---\n')).toBe('markdown')
    expect(detect('export.ndjson', '')).toBe('jsonl')
    expect(detect('export.json', '\uFEFF  {"title":"x"}\n')).toBe('jsonl')
  })

  it('tells Jira and PagerDuty exports from a generic CSV by their header', () => {
    expect(detect('issues.csv', 'Summary,Issue key,Issue id,Priority,Created,Resolved\n')).toBe('jira')
    expect(detect('hadoop_bugs.csv', 'Summary,Issue id,Status,Priority,Resolution,Created,Resolved,Affects Version/s,Description\n')).toBe('jira')
    expect(detect('incidents.csv', 'id,incident_number,description,service_name,urgency,created_on,resolved_on,html_url\n')).toBe('pagerduty')
    expect(detect('incidents.csv', '"incident_number","title","service.summary","urgency","created_at"\r\n')).toBe('pagerduty')
    expect(detect('incidents.csv', 'title,service,severity,started,summary\n')).toBe('csv')
    expect(detect('incidents.csv', 'title,"unterminated\n')).toBe('csv')
  })
})
