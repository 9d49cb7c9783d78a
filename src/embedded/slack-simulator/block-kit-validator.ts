/** Where blocks are shown decides how many are allowed: 50 in a message, 100 in a view. */
export type BlockSurface = 'message' | 'home' | 'modal'

const MAX_BLOCKS: Record<BlockSurface, number> = { message: 50, home: 100, modal: 100 }
const SURFACE_NAMES: Record<BlockSurface, string> = { message: 'a message', home: 'a home tab', modal: 'a modal' }

const KNOWN_BLOCK_TYPES = new Set(['actions', 'context', 'divider', 'file', 'header', 'image', 'input', 'markdown', 'rich_text', 'section', 'table', 'video'])

const SELECT_TYPES = new Set([
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
])

const INTERACTIVE_TYPES = new Set([
  ...SELECT_TYPES,
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'overflow',
  'radio_buttons',
  'timepicker',
  'workflow_button',
  'rich_text_input',
])

const INPUT_TYPES = new Set([...INTERACTIVE_TYPES, 'plain_text_input', 'email_text_input', 'url_text_input', 'number_input', 'file_input'])

const ACCESSORY_TYPES = new Set([...INTERACTIVE_TYPES, 'image'])

type Pointer = ReadonlyArray<string | number>

interface Walk {
  readonly violations: string[]
  readonly blockIds: Set<string>
  readonly actionIds: Set<string>
}

interface TextRule {
  max: number
  plainTextOnly?: boolean
  required?: boolean
}

/**
 * Checks blocks against the limits Slack enforces and returns one human-readable line per
 * violation (empty when valid), each ending with Slack's own `[json-pointer:/blocks/…]` marker.
 */
export function findBlockKitViolations(blocks: unknown, surface: BlockSurface = 'message'): string[] {
  const walk: Walk = { violations: [], blockIds: new Set(), actionIds: new Set() }
  if (!Array.isArray(blocks)) {
    report(walk, ['blocks'], 'must be an array of blocks')
    return walk.violations
  }
  const max = MAX_BLOCKS[surface]
  if (blocks.length > max) {
    report(walk, ['blocks'], `has ${blocks.length} blocks, ${SURFACE_NAMES[surface]} allows at most ${max}`)
  }
  blocks.forEach((block, index) => {
    checkBlock(walk, block, ['blocks', index])
  })
  return walk.violations
}

function checkBlock(walk: Walk, block: unknown, at: Pointer): void {
  if (!isObject(block)) {
    report(walk, at, 'must be an object')
    return
  }
  const type = block.type
  if (typeof type !== 'string' || !KNOWN_BLOCK_TYPES.has(type)) {
    report(walk, [...at, 'type'], `unknown block type ${JSON.stringify(type)}`)
    return
  }
  checkUniqueId(walk, block.block_id, [...at, 'block_id'], walk.blockIds, 'block_id')
  switch (type) {
    case 'section':
      checkSection(walk, block, at)
      return
    case 'header':
      checkText(walk, block.text, [...at, 'text'], `${type} block`, { max: 150, plainTextOnly: true, required: true })
      return
    case 'actions':
      checkElements(walk, block.elements, [...at, 'elements'], 'actions block', 25, (element, elementAt) =>
        checkElement(walk, element, elementAt, INTERACTIVE_TYPES),
      )
      return
    case 'context':
      checkElements(walk, block.elements, [...at, 'elements'], 'context block', 10, (element, elementAt) => checkContextElement(walk, element, elementAt))
      return
    case 'image':
      checkImage(walk, block, at, 'image block')
      checkText(walk, block.title, [...at, 'title'], 'image block', { max: 2000, plainTextOnly: true })
      return
    case 'input':
      checkText(walk, block.label, [...at, 'label'], 'input block', { max: 2000, plainTextOnly: true, required: true })
      checkText(walk, block.hint, [...at, 'hint'], 'input block', { max: 2000, plainTextOnly: true })
      if (block.element === undefined) report(walk, [...at, 'element'], 'element is required', 'input block')
      else checkElement(walk, block.element, [...at, 'element'], INPUT_TYPES)
      return
    case 'markdown':
      checkString(walk, block.text, [...at, 'text'], 'markdown block', 12_000, true)
      return
    case 'rich_text':
      if (!Array.isArray(block.elements)) report(walk, [...at, 'elements'], 'elements must be an array', 'rich_text block')
      return
    default:
      return
  }
}

function checkSection(walk: Walk, block: Record<string, unknown>, at: Pointer): void {
  if (block.text === undefined && block.fields === undefined) {
    report(walk, at, 'must have text or fields', 'section block')
  }
  checkText(walk, block.text, [...at, 'text'], 'section block', { max: 3000 })
  if (block.fields !== undefined) {
    if (!Array.isArray(block.fields)) {
      report(walk, [...at, 'fields'], 'fields must be an array', 'section block')
    } else {
      if (block.fields.length > 10) {
        report(walk, [...at, 'fields'], `has ${block.fields.length} fields, at most 10 are allowed`, 'section block')
      }
      block.fields.forEach((field, index) => {
        checkText(walk, field, [...at, 'fields', index], 'section block', { max: 2000, required: true })
      })
    }
  }
  if (block.accessory !== undefined) checkElement(walk, block.accessory, [...at, 'accessory'], ACCESSORY_TYPES)
}

function checkElements(walk: Walk, elements: unknown, at: Pointer, owner: string, max: number, checkOne: (element: unknown, elementAt: Pointer) => void): void {
  if (!Array.isArray(elements) || elements.length === 0) {
    report(walk, at, 'elements must be a non-empty array', owner)
    return
  }
  if (elements.length > max) {
    report(walk, at, `has ${elements.length} elements, at most ${max} are allowed`, owner)
  }
  elements.forEach((element, index) => {
    checkOne(element, [...at, index])
  })
}

function checkContextElement(walk: Walk, element: unknown, at: Pointer): void {
  if (isObject(element) && element.type === 'image') {
    checkImage(walk, element, at, 'context image')
    return
  }
  checkText(walk, element, at, 'context block', { max: 3000, required: true })
}

function checkElement(walk: Walk, element: unknown, at: Pointer, allowed: ReadonlySet<string>): void {
  if (!isObject(element)) {
    report(walk, at, 'element must be an object')
    return
  }
  const type = element.type
  if (typeof type !== 'string' || !allowed.has(type)) {
    report(walk, [...at, 'type'], `element type ${JSON.stringify(type)} is not allowed here`)
    return
  }
  if (type === 'image') {
    checkImage(walk, element, at, 'image element')
    return
  }
  const owner = `${type} element`
  checkUniqueId(walk, element.action_id, [...at, 'action_id'], walk.actionIds, 'action_id')
  if (type === 'button') {
    checkText(walk, element.text, [...at, 'text'], owner, { max: 75, plainTextOnly: true, required: true })
    checkString(walk, element.value, [...at, 'value'], owner, 2000)
    checkString(walk, element.url, [...at, 'url'], owner, 3000)
    if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
      report(walk, [...at, 'style'], `style must be "primary" or "danger", got ${JSON.stringify(element.style)}`, owner)
    }
  }
  if (SELECT_TYPES.has(type) || type === 'datepicker' || type === 'timepicker') {
    checkText(walk, element.placeholder, [...at, 'placeholder'], owner, { max: 150, plainTextOnly: true })
  }
  if (element.options !== undefined) checkOptions(walk, element.options, [...at, 'options'], owner, type === 'overflow' ? 5 : 100)
}

function checkOptions(walk: Walk, options: unknown, at: Pointer, owner: string, max: number): void {
  if (!Array.isArray(options)) {
    report(walk, at, 'options must be an array', owner)
    return
  }
  if (options.length > max) report(walk, at, `has ${options.length} options, at most ${max} are allowed`, owner)
  options.forEach((option, index) => {
    const optionAt = [...at, index]
    if (!isObject(option)) {
      report(walk, optionAt, 'option must be an object', owner)
      return
    }
    checkText(walk, option.text, [...optionAt, 'text'], `${owner} option`, { max: 75, required: true })
    checkString(walk, option.value, [...optionAt, 'value'], `${owner} option`, 150)
  })
}

function checkImage(walk: Walk, image: Record<string, unknown>, at: Pointer, owner: string): void {
  if (image.slack_file === undefined) checkString(walk, image.image_url, [...at, 'image_url'], owner, 3000, true)
  checkString(walk, image.alt_text, [...at, 'alt_text'], owner, 2000, true)
}

function checkText(walk: Walk, text: unknown, at: Pointer, owner: string, rule: TextRule): void {
  if (text === undefined) {
    if (rule.required) report(walk, at, 'a text object is required', owner)
    return
  }
  if (!isObject(text)) {
    report(walk, at, `must be a text object like {"type":"plain_text","text":"…"}`, owner)
    return
  }
  if (rule.plainTextOnly && text.type !== 'plain_text') {
    report(walk, [...at, 'type'], `must be plain_text, got ${JSON.stringify(text.type)}`, owner)
  } else if (text.type !== 'plain_text' && text.type !== 'mrkdwn') {
    report(walk, [...at, 'type'], `text type must be plain_text or mrkdwn, got ${JSON.stringify(text.type)}`, owner)
  }
  checkString(walk, text.text, [...at, 'text'], owner, rule.max, true)
}

function checkString(walk: Walk, value: unknown, at: Pointer, owner: string, max: number, required = false): void {
  if (value === undefined) {
    if (required) report(walk, at, 'is required', owner)
    return
  }
  if (typeof value !== 'string') {
    report(walk, at, 'must be a string', owner)
    return
  }
  if (required && value.length === 0) report(walk, at, 'must not be empty', owner)
  if (value.length > max) {
    report(walk, at, `is ${value.length} characters, the limit is ${max}`, owner)
  }
}

function checkUniqueId(walk: Walk, id: unknown, at: Pointer, seen: Set<string>, name: string): void {
  if (id === undefined) return
  if (typeof id !== 'string' || id.length === 0) {
    report(walk, at, `${name} must be a non-empty string`)
    return
  }
  if (id.length > 255) report(walk, at, `${name} is ${id.length} characters, the limit is 255`)
  if (seen.has(id)) report(walk, at, `${name} ${JSON.stringify(id)} is used more than once in this message`)
  seen.add(id)
}

function report(walk: Walk, at: Pointer, problem: string, owner?: string): void {
  const path = at.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('')
  const where = owner === undefined ? path : `${path} (${owner})`
  walk.violations.push(`${where}: ${problem} [json-pointer:/${at.join('/')}]`)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
