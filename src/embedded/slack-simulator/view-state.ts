import type { ViewStateValue } from './payload-builders'

/** What a person typed or picked in one input of a modal, as Slack puts it in `view.state`. */
export const viewInput = {
  text: (value: string | null): ViewStateValue => ({ type: 'plain_text_input', value }),
  choice: (value: string | null, type: 'radio_buttons' | 'static_select' = 'radio_buttons'): ViewStateValue => ({
    type,
    selected_option: value === null ? null : { text: { type: 'plain_text', text: value }, value },
  }),
  user: (id: string | null): ViewStateValue => ({ type: 'users_select', selected_user: id }),
  date: (day: string | null): ViewStateValue => ({ type: 'datepicker', selected_date: day }),
}

/** `view.state.values` of a form whose inputs use their block id as action id too (Slack keys by block id, then action id). */
export function viewState(inputs: Record<string, ViewStateValue>): Record<string, Record<string, ViewStateValue>> {
  return Object.fromEntries(Object.entries(inputs).map(([id, value]) => [id, { [id]: value }]))
}
