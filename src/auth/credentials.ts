import { recordAudit } from '../platform/audit'
import type { Database } from '../platform/db'
import { emitEvent } from '../platform/feature'
import type { AppContext } from '../platform/types'
import { appUrl, sendAuthEmail } from './mail'
import type { User } from './schema'

/**
 * Credentials other features derive from an account (API keys today) end with the account's security
 * events: a password change or reset, a deactivation (checklist 35, ADR 0083). Auth cannot read their
 * tables (ADR 0006), so it announces 'auth.credentials_ended' inside the transaction of the change and
 * each feature ends its own with the same transaction handle — the change and the end commit together
 * or not at all, like `accountCleanups`. Listeners report what they ended in `ended`; after commit auth
 * writes one audit row per credential and mails the owner the list.
 */
export type CredentialEndReason = 'password_changed' | 'password_reset' | 'deactivated' | 'account_deleted'

export interface EndedCredential {
  /** The audit action, e.g. 'usage.api_key.revoked'. */
  action: string
  /** How the owner's mail names it: 'API key “CI script” (qs_ab12cd34_…)'. Never a secret. */
  label: string
  /** The audit row's detail: ids, prefixes, names, never a secret (ADR 0060). */
  detail: Record<string, string | number | boolean | null>
}

export interface CredentialsEndedEvent {
  userId: string
  reason: CredentialEndReason
  /** Filled by the listeners. */
  ended: EndedCredential[]
}

declare module '../platform/feature' {
  interface AppEvents {
    /** Emitted inside the transaction of a credential change; listeners use the transaction's `db`. */
    'auth.credentials_ended': CredentialsEndedEvent
  }
}

/** Called by a credential-changing service inside its transaction. */
export type EndCredentials = (tx: Database, userId: string, now: Date) => Promise<void>

export interface CredentialEnding {
  reason: CredentialEndReason
  end: EndCredentials
  /** What the listeners ended; read after the service committed. */
  ended: EndedCredential[]
}

/** For a request: the registry's listeners, and a record of what they ended for `reportEndedCredentials`. */
export function credentialEnding(c: AppContext, reason: CredentialEndReason): CredentialEnding {
  const ending: CredentialEnding = {
    reason,
    ended: [],
    end: async (tx, userId, now) => {
      const event: CredentialsEndedEvent = { userId, reason, ended: [] }
      await emitEvent(c.get('registry'), 'auth.credentials_ended', event, { db: tx, env: c.env, now })
      ending.ended.push(...event.ended)
    },
  }
  return ending
}

/**
 * After commit: one audit row per ended credential (the request's person as actor unless `actorId` says
 * otherwise — a reset has no session), and one mail to the owner when anything ended.
 */
export async function reportEndedCredentials(
  c: AppContext,
  ending: CredentialEnding,
  user: Pick<User, 'id' | 'name' | 'email'>,
  options: { actorId?: string } = {},
): Promise<void> {
  if (ending.ended.length === 0) return
  for (const credential of ending.ended) {
    await recordAudit(c, {
      action: credential.action,
      targetType: 'user',
      targetId: user.id,
      detail: { ...credential.detail, reason: ending.reason },
      ...(options.actorId !== undefined ? { actorId: options.actorId } : {}),
    })
  }
  // A person deleting their account is not mailed about the keys that went with it.
  if (ending.reason === 'account_deleted') return
  await sendAuthEmail(c, {
    template: 'credentials-revoked',
    to: user.email,
    props: { name: user.name, reason: ending.reason, credentials: ending.ended.map((e) => e.label).slice(0, 50), settingsUrl: appUrl(c, '/settings/api-keys') },
  })
}
