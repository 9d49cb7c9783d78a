// The separator and value of a `key=value` pair whose key names a secret (quotes optional, not already redacted).
const SECRET_VALUE = String.raw`(["']?\s*[:=]\s*["']?)(?!\[redacted)[^\s"'&,;}\]]+`

/**
 * Removes credentials and personal data from text read out of logs, error groups and
 * spans, before it is cached, posted to Slack or sent to a model. Patterns run in order:
 * whole blocks first, then shapes of known tokens, then `key=value` pairs, then emails.
 */
const RULES: Array<{ pattern: RegExp; replace: string | ((match: string, ...groups: string[]) => string) }> = [
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, replace: '[redacted-private-key]' },
  // user:password@ in any URL, before the email rule sees "password@host".
  { pattern: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/:@]+):([^\s/@]+)@/gi, replace: '$1$2:[redacted]@' },
  {
    pattern:
      /\b(authorization|proxy-authorization|x-api-key|x-goog-api-key|cookie|set-cookie)(["']?\s*[:=]\s*["']?)(?:(bearer|basic|token|digest)\s+)?[^\s"',;]+/gi,
    replace: (_m, key, sep, scheme) => `${key}${sep}${scheme ? `${scheme} ` : ''}[redacted]`,
  },
  { pattern: /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, replace: '$1 [redacted]' },
  { pattern: /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g, replace: '[redacted-jwt]' },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: '[redacted-google-api-key]' },
  { pattern: /\bya29\.[0-9A-Za-z._-]{10,}/g, replace: '[redacted-google-token]' },
  { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: '[redacted-aws-key]' },
  { pattern: /\bxox[abposre]-[0-9A-Za-z-]{10,}/g, replace: '[redacted-slack-token]' },
  { pattern: /\bxapp-[0-9A-Za-z-]{10,}/g, replace: '[redacted-slack-token]' },
  { pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b/g, replace: '[redacted-github-token]' },
  { pattern: /\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}\b/g, replace: '[redacted-api-key]' },
  { pattern: /\bglpat-[0-9A-Za-z_-]{20,}\b/g, replace: '[redacted-gitlab-token]' },
  // Words that name a secret whatever is glued to them (SecretAccessKey, DB_PASSWORD, privateKeyId).
  {
    pattern: new RegExp(
      String.raw`\b([a-z0-9_-]*(?:password|passwd|secret|private[_-]?key|api[_-]?key|apikey|access[_-]?key|credentials?)[a-z0-9_-]*)` + SECRET_VALUE,
      'gi',
    ),
    replace: '$1$2[redacted]',
  },
  // Words that name a secret only as a whole word or suffix (access_token, X-Goog-Signature; not tokens_used).
  {
    pattern: new RegExp(
      String.raw`\b((?:[a-z0-9]+[_-])*(?:pwd|token|session(?:[_-]?id)?|sid|sig|signature|auth)(?:[_-](?:id|key|value))?)` + SECRET_VALUE,
      'gi',
    ),
    replace: '$1$2[redacted]',
  },
  { pattern: /(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g, replace: '[redacted-email]' },
]

export function redactSecrets(text: string): string {
  let out = text
  for (const rule of RULES) out = out.replace(rule.pattern, rule.replace as string)
  return out
}
