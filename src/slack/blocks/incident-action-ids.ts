/** Action ids of the buttons and menus on an incident's root message (the Resolve button's is in resolution-blocks). */
export const ACKNOWLEDGE_ACTION_ID = 'incident_acknowledge'
export const UPDATE_ACTION_ID = 'incident_update'
export const TIMELINE_ACTION_ID = 'incident_timeline'
export const SEVERITY_ACTION_ID = 'incident_severity'
