/** Ids of the simulated workspace, shared so payloads sent in match what the fake API answers. */
export const FAKE_WORKSPACE = {
  teamId: 'T0SIMULATED',
  teamDomain: 'sre-simulated',
  teamName: 'SRE Simulated Workspace',
  appId: 'A0SREAGENT',
  botToken: 'xoxb-simulated-bot-token',
  /** App-level token (connections:write) for Socket Mode. */
  appToken: 'xapp-1-A0SREAGENT-simulated-app-token',
  botUserId: 'U0SREBOT',
  botId: 'B0SREBOT',
  botName: 'sre-agent',
  verificationToken: 'simulated-verification-token',
  channelId: 'C0INCIDENTS',
  channelName: 'incidents',
  userId: 'U0ONCALL',
  userName: 'oncall.engineer',
} as const
