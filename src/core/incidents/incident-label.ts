/** "INC-42": how people refer to an incident in Slack. */
export function incidentLabel(incident: { number: number }): string {
  return `INC-${incident.number}`
}

/** Accepts "INC-42", "inc-42" or "42". */
export function parseIncidentLabel(text: string): number | null {
  const m = /^(?:inc-)?(\d{1,9})$/i.exec(text.trim())
  return m ? Number(m[1]) : null
}
