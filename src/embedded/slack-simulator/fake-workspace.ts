/** Ids of the simulated workspace, shared so payloads sent in match what the fake API answers. */
export const FAKE_WORKSPACE = {
  teamId: 'T0SIMULATED',
  teamDomain: 'sre-simulated',
  teamName: 'SRE Simulated Workspace',
  appId: 'A0SREAGENT',
  botToken: 'xoxb-simulated-bot-token',
  botUserId: 'U0SREBOT',
  botId: 'B0SREBOT',
  botName: 'sre-agent',
  verificationToken: 'simulated-verification-token',
  channelId: 'C0INCIDENTS',
  channelName: 'incidents',
  userId: 'U0ONCALL',
  userName: 'oncall.engineer',
} as const
