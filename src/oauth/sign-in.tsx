import { completeSignIn, createPasswordlessUser, getUserById, getUserByEmail, recordAuthAudit, sendSecurityNotice, signInRefusal, type User } from '../auth'
import { sendEmail } from '../email'
import { setFlash } from '../platform/flash'
import type { AppContext } from '../platform/types'
import { createLinkRequest, findLinkedAccount, linkAccount, LINK_REQUEST_MINUTES, touchLinkedAccount } from './accounts'
import type { Flow, ProviderProfile } from './flow'
import { PROVIDERS } from './providers'
import { OAuthMessage } from './views'

// What a verified provider answer leads to (issue 22; ADR 0099, docs/auth.md "Account takeover"): sign in
// through an existing link, link to the signed-in user who asked, make a new account from a verified
// address, or — the address belongs to an account not signed in here — mail that account a confirmation.
// Never linked on a matching address alone, and never an account from an address the provider did not verify.

/** The message page at its status; a round trip started from settings leads back there, others to log in. */
export function refusePage(c: AppContext, status: 400 | 403 | 409 | 502, title: string, message: string, fromSettings = false) {
  c.status(status)
  const page = fromSettings
    ? <OAuthMessage title={title} message={message}><p><a href="/settings">Back to settings</a></p></OAuthMessage>
    : <OAuthMessage title={title} message={message} />
  return c.render(page, { title, noindex: true })
}

/** The signed-in user's "Link GitHub" round trip came back. */
export async function linkToSignedInUser(c: AppContext, profile: ProviderProfile, flow: Flow, now: Date): Promise<Response> {
  const label = PROVIDERS[profile.provider].label
  const user = c.get('user')
  const session = c.get('session')
  if (!user || !session || session.id !== flow.linkSessionId) return refusePage(c, 403, 'Not linked', `You are no longer signed in as the account that asked to link ${label}. Sign in and link it from settings again.`, true)
  if (session?.impersonatorId) return refusePage(c, 403, 'Not linked', 'Sign-in methods are only for the account’s owner. Return to your admin account first.', true)
  const existing = await findLinkedAccount(c.get('db'), profile.provider, profile.providerUserId)
  if (existing && existing.userId !== user.id) {
    await recordAuthAudit(c, 'oauth.link_refused', { targetId: user.id, detail: { provider: profile.provider, reason: 'linked to another account' } })
    return refusePage(c, 409, 'Not linked', `This ${label} account is already linked to another account here. Unlink it there first, or use another ${label} account.`, true)
  }
  if (existing) {
    setFlash(c, 'info', `${profile.display} was already linked.`)
    return c.redirect('/settings', 303)
  }
  if (!(await linkAccount(c.get('db'), user.id, profile, now))) {
    return refusePage(c, 409, 'Not linked', `Your account already has another ${label} account linked. Unlink it first.`, true)
  }
  await recordAuthAudit(c, 'oauth.linked', { targetId: user.id, detail: { provider: profile.provider, via: 'settings' } })
  await sendSecurityNotice(c, user, 'provider_linked', profile.display)
  setFlash(c, 'success', `${profile.display} is linked: you can now sign in with it.`)
  return c.redirect('/settings', 303)
}

/** A visitor's "Continue with …" round trip came back. */
export async function signInWithProvider(c: AppContext, profile: ProviderProfile, flow: Flow, now: Date): Promise<Response> {
  const db = c.get('db')
  const label = PROVIDERS[profile.provider].label
  const linked = await findLinkedAccount(db, profile.provider, profile.providerUserId)
  if (linked) {
    const user = await getUserById(db, linked.userId)
    if (!user) return refusePage(c, 403, 'Sign-in refused', 'This account no longer exists.')
    return finish(c, user, profile, flow, now, linked.id)
  }
  // Nothing is made from an address the provider did not verify: whoever typed it there may not own it.
  if (!profile.emailVerified || profile.email === '') {
    await recordAuthAudit(c, 'auth.login_failed', { actorId: null, detail: { reason: 'provider email unverified', method: profile.provider } })
    return refusePage(c, 403, 'Address not verified', `${label} has not verified the address of this account${profile.email ? ` (${profile.email})` : ''}. Verify it at ${label} and try again, or sign up with your email and a password.`)
  }
  const owner = await getUserByEmail(db, profile.email)
  if (owner) return askOwnerToConfirm(c, owner, profile, now)
  const user = await createPasswordlessUser(db, { email: profile.email, name: profile.name, emailVerifiedAt: now })
  // A race: the address was taken between the two queries. The owner confirms like above.
  if (!user) {
    const taken = await getUserByEmail(db, profile.email)
    return taken ? askOwnerToConfirm(c, taken, profile, now) : refusePage(c, 409, 'Try again', 'Your account could not be made just now. Try again.')
  }
  if (!(await linkAccount(db, user.id, profile, now))) return refusePage(c, 409, 'Try again', `This ${label} account was linked a moment ago by another sign-in. Try again.`)
  await recordAuthAudit(c, 'auth.signup', { actorId: user.id, targetId: user.id, detail: { method: profile.provider } })
  await recordAuthAudit(c, 'oauth.linked', { actorId: user.id, targetId: user.id, detail: { provider: profile.provider, via: 'signup' } })
  return completeSignIn(c, user, profile.provider, flow.next, now)
}

async function finish(c: AppContext, user: User, profile: ProviderProfile, flow: Flow, now: Date, linkId: string): Promise<Response> {
  const refusal = signInRefusal(user)
  if (refusal) {
    await recordAuthAudit(c, 'auth.login_failed', { actorId: null, targetId: user.id, detail: { reason: refusal.reason, method: profile.provider } })
    return refusePage(c, 403, 'Sign-in refused', refusal.message)
  }
  await touchLinkedAccount(c.get('db'), linkId, profile, now)
  return completeSignIn(c, user, profile.provider, flow.next, now)
}

async function askOwnerToConfirm(c: AppContext, owner: User, profile: ProviderProfile, now: Date): Promise<Response> {
  const label = PROVIDERS[profile.provider].label
  const token = await createLinkRequest(c.get('db'), owner.id, profile, now)
  try {
    await sendEmail({ db: c.get('db'), queue: c.env.EMAIL }, {
      template: 'oauth-link-confirm',
      to: owner.email,
      props: { name: owner.name, provider: label, account: profile.display, confirmUrl: new URL(`/oauth/link?token=${token}`, c.env.APP_URL).toString(), expiresInMinutes: LINK_REQUEST_MINUTES },
    })
  } catch (err) {
    c.get('log').error('oauth link mail not queued', { error: err })
  }
  await recordAuthAudit(c, 'oauth.link_requested', { actorId: null, targetId: owner.id, detail: { provider: profile.provider } })
  c.status(202)
  return c.render(
    <OAuthMessage
      title="Confirm by email"
      kind="info"
      message={`An account with ${profile.email} already exists. We sent a link to that address: open it to link ${label} to the account (it works once, for ${LINK_REQUEST_MINUTES} minutes). Then continue with ${label}, or log in with your password.`}
    />,
    { title: 'Confirm by email', noindex: true },
  )
}
