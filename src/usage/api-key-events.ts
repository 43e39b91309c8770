import type { CredentialsEndedEvent } from '../auth'
import type { EventContext } from '../platform/feature'
import { maskedKey, revokeAllApiKeys } from './api-keys'
import type { ApiKey } from './schema'

// Audit actions for keys (ADR 0060): every creation and every revocation, whoever or whatever caused it.
export const API_KEY_CREATED = 'usage.api_key.created'
export const API_KEY_REVOKED = 'usage.api_key.revoked'

/** What an audit row says about a key: id, public prefix and name. Never the key, its secret or hash. */
export function apiKeyAuditDetail(key: Pick<ApiKey, 'id' | 'prefix' | 'name'>): Record<string, string> {
  return { id: key.id, prefix: key.prefix, name: key.name }
}

/**
 * auth's 'auth.credentials_ended' (a password change or reset, a deactivation; checklist 35, ADR 0083):
 * revokes every active key of the account with the transaction auth passes in, and reports each one so
 * that auth audits it and tells the owner after commit.
 */
export async function endApiKeys(event: CredentialsEndedEvent, { db, now }: EventContext): Promise<void> {
  for (const key of await revokeAllApiKeys(db, event.userId, now)) {
    event.ended.push({ action: API_KEY_REVOKED, label: `API key “${key.name}” (${maskedKey(key.prefix)})`, detail: apiKeyAuditDetail(key) })
  }
}
