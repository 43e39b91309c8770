import type { Child } from 'hono/jsx'
import { Notice } from '../platform/components'
import { formatDate } from '../platform/format'
import { Icon } from '../platform/icons'
import type { AppContext } from '../platform/types'
import type { OAuthAccount } from './accounts'
import { PROVIDERS, type ProviderId } from './providers'

/**
 * A provider's mark. Google's G always keeps its four colours on a white tile (Google's branding
 * guidelines), so it sits on a chip that stays white in the dark theme; GitHub's follows the text colour.
 */
export function ProviderMark({ provider }: { provider: ProviderId }) {
  if (provider === 'google') return <span class="brand-chip"><Icon name={PROVIDERS[provider].icon} /></span>
  return <Icon name={PROVIDERS[provider].icon} />
}

/** "Continue with GitHub": a POST form, so starting a round trip is CSRF-checked like every other form. */
export function ContinueButton({ provider, next }: { provider: ProviderId; next: string }) {
  return (
    <form method="post" action={`/oauth/${provider}`} class="oauth-option">
      <input type="hidden" name="next" value={next} />
      <button type="submit" class="button is-fullwidth">
        <ProviderMark provider={provider} />
        <span>Continue with {PROVIDERS[provider].label}</span>
      </button>
    </form>
  )
}

/** Where a provider round trip ends when it cannot sign in: what happened and the way on, at the right status. */
export function OAuthMessage({ title, message, kind = 'danger', children }: { title: string; message: string; kind?: 'danger' | 'info' | 'success'; children?: Child }) {
  return (
    <section class="section">
      <div class="container is-max-tablet">
        <h1 class="title">{title}</h1>
        <Notice kind={kind} message={message} />
        {children ?? (
          <p>
            <a href="/login">Back to log in</a> · <a href="/signup">Sign up with your email</a>
          </p>
        )}
      </div>
    </section>
  )
}

export function LinkConfirmPage({ token, provider, email }: { token: string; provider: ProviderId; email: string }) {
  const label = PROVIDERS[provider].label
  return (
    <OAuthMessage title={`Link ${label} to your account?`} kind="info" message={`Someone signed in with the ${label} account of ${email} and asked to link it to your account. Link it only if that was you.`}>
      <form method="post" action="/oauth/link">
        <input type="hidden" name="token" value={token} />
        <div class="buttons">
          <button type="submit" class="button is-primary">Link {label}</button>
          <a class="button is-light" href="/">Do not link</a>
        </div>
      </form>
    </OAuthMessage>
  )
}

const whenOrNever = (d: Date | null) => (d ? formatDate(d) : 'never')

export interface LinkedSectionData {
  accounts: OAuthAccount[]
  available: ProviderId[]
}

/** The settings section: each provider, linked (address, dates, Unlink) or not (Link). */
export function LinkedProvidersSection({ data }: { data: LinkedSectionData; c: AppContext }) {
  return (
    <div class="oauth-settings">
      <p class="mb-3">Sign in with an account you already have elsewhere. Linking or unlinking one is mailed to you.</p>
      {data.available.length === 0 && <p class="help">No sign-in providers are set up on this site.</p>}
      <ul class="oauth-accounts">
        {data.available.map((provider) => {
          const linked = data.accounts.find((a) => a.provider === provider)
          const label = PROVIDERS[provider].label
          return (
            <li class="oauth-account" data-provider={provider}>
              <div>
                <strong class="oauth-account-name"><ProviderMark provider={provider} /> {label}</strong>
                {linked ? <p class="help">{linked.email || 'no address'} · linked {whenOrNever(linked.createdAt)} · last used {whenOrNever(linked.lastUsedAt)}</p> : <p class="help">Not linked</p>}
              </div>
              <form method="post" action={`/settings/oauth/${provider}/${linked ? 'unlink' : 'link'}`}>
                <button type="submit" class={linked ? 'button is-small is-danger is-light' : 'button is-small'}>{linked ? `Unlink ${label}` : `Link ${label}`}</button>
              </form>
            </li>
          )
        })}
      </ul>
    </div>
  )
}
