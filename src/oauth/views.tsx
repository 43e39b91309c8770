import type { Child } from 'hono/jsx'
import { Notice } from '../platform/components'
import { formatDate } from '../platform/format'
import { Icon } from '../platform/icons'
import type { AppContext } from '../platform/types'
import type { OAuthAccount } from './accounts'
import { PROVIDERS, type ProviderId } from './providers'

/** "Continue with GitHub": a POST form, so starting a round trip is CSRF-checked like every other form. */
export function ContinueButton({ provider, next }: { provider: ProviderId; next: string }) {
  return (
    <form method="post" action={`/oauth/${provider}`} class="oauth-option">
      <input type="hidden" name="next" value={next} />
      <button type="submit" class="button is-fullwidth">
        <Icon name={PROVIDERS[provider].icon} />
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
                <strong><Icon name={PROVIDERS[provider].icon} /> {label}</strong>
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
