import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt'
import { incidentLabel, parseIncidentLabel } from '../../../core/incidents/incident-label'
import { listOpenIncidents } from '../../../storage/repositories/incidents'
import { escapeMrkdwn, section } from '../../blocks/block-kit'
import { buildHelpMessage, buildPlaybookListMessage } from '../../blocks/help-blocks'
import type { ListenerDeps } from '../listener-deps'

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs

/** `/sre <subcommand>`: acknowledges at once, then hands the work to a job. */
export function createSreCommandHandler(deps: ListenerDeps) {
  return async ({ command, ack, respond }: Args): Promise<void> => {
    const [sub = '', ...rest] = command.text.trim().split(/\s+/)
    const args = rest.join(' ')
    switch (sub.toLowerCase()) {
      case 'analyze':
      case 'analyse': {
        if (!args) {
          await ack({ response_type: 'ephemeral', ...buildHelpMessage('`/sre analyze` needs a description, e.g. `/sre analyze checkout-db connection timeouts`.') })
          return
        }
        await ack({ response_type: 'ephemeral', text: `:mag: Analyzing _${escapeMrkdwn(args)}_ — an incident thread will open in this channel.` })
        try {
          await deps.queue.enqueue('command.analyze', { text: args, userId: command.user_id, channelId: command.channel_id, requestedAt: deps.now().toISOString() })
        } catch (err) {
          deps.logger.error({ err, channel: command.channel_id }, 'could not queue /sre analyze')
          await respond({ response_type: 'ephemeral', text: ':warning: I could not start the analysis (the job queue is unavailable). Please try again in a minute.' })
        }
        return
      }
      case 'incidents': {
        await ack()
        const open = await listOpenIncidents(deps.db, 15)
        const text = open.length
          ? `*Open incidents*\n${open.map((i) => `• *${incidentLabel(i)}* ${escapeMrkdwn(i.title)} — ${i.severity}${i.service ? `, ${escapeMrkdwn(i.service)}` : ''}`).join('\n')}`
          : 'No open incidents. :sunny:'
        await respond({ response_type: 'ephemeral', text, blocks: [section(text)] })
        return
      }
      case 'run': {
        const [playbookId = '', label = ''] = rest
        const incidentNumber = parseIncidentLabel(label)
        if (!deps.playbooks.some((p) => p.id === playbookId) || incidentNumber === null) {
          await ack({ response_type: 'ephemeral', ...buildHelpMessage(deps.playbooks.some((p) => p.id === playbookId) ? 'Usage: `/sre run <playbook> <INC-n>`.' : `There is no playbook \`${escapeMrkdwn(playbookId)}\`; \`/sre playbooks\` lists them.`) })
          return
        }
        await ack({ response_type: 'ephemeral', text: `:arrow_forward: Starting \`${playbookId}\` on INC-${incidentNumber}; progress goes to the incident thread.` })
        await deps.queue.enqueue('command.run', { playbookId, incidentNumber, userId: command.user_id, channelId: command.channel_id })
        return
      }
      case 'playbooks': {
        await ack({ response_type: 'ephemeral', ...buildPlaybookListMessage(deps.playbooks) })
        return
      }
      case '':
      case 'help':
        await ack({ response_type: 'ephemeral', ...buildHelpMessage() })
        return
      default:
        await ack({ response_type: 'ephemeral', ...buildHelpMessage(`I don't know \`/sre ${escapeMrkdwn(sub)}\`.`) })
    }
  }
}
