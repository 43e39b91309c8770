import type { Child } from 'hono/jsx'
import { useRequestContext } from 'hono/jsx-renderer'
import type { AppEnv } from '../../platform/types'

// The narrow centred column every auth form sits in.
export function AuthPage({ title, subtitle, children }: { title: string; subtitle?: string; children?: Child }) {
  return (
    <section class="section">
      <div class="container">
        <div class="columns is-centered">
          <div class="column is-half-tablet is-5-desktop">
            <h1 class="title">{title}</h1>
            {subtitle && <p class="subtitle">{subtitle}</p>}
            {children}
          </div>
        </div>
      </div>
    </section>
  )
}

export function SubmitButton({ label, kind = 'is-primary' }: { label: string; kind?: string }) {
  return (
    <div class="field">
      <div class="control">
        <button class={`button ${kind}`} type="submit">{label}</button>
      </div>
    </div>
  )
}

/**
 * The other ways in, under the log-in and sign-up forms: what the registry's `signInOptions` offer
 * (providers with keys configured, passkeys). Nothing, not even the divider, when none is offered.
 */
export function SignInOptions({ page, next }: { page: 'login' | 'signup'; next: string }) {
  const c = useRequestContext<AppEnv>()
  const options = c.get('registry').signInOptions.map((option) => option.render(c, { page, next })).filter((child) => child !== null)
  if (options.length === 0) return null
  return (
    <div class="sign-in-options">
      <p class="sign-in-options-divider" role="separator"><span>or</span></p>
      {options}
    </div>
  )
}
