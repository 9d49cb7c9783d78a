/**
 * Whether `userId` may decide an approval. Approvers are user ids (U…/W…) or user
 * group ids (S…); groups are expanded through `membersOf`. An empty list means
 * nobody is configured, and nobody may approve: safety over convenience.
 */
export async function isApprover(userId: string, approvers: string[], membersOf: (group: string) => Promise<string[]>): Promise<boolean> {
  if (approvers.includes(userId)) return true
  for (const group of approvers.filter((a) => a.startsWith('S'))) {
    if ((await membersOf(group)).includes(userId)) return true
  }
  return false
}
