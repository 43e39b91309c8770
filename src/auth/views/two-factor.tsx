import { encode } from 'uqr'
import { Field, type FieldErrors, Notice } from '../../platform/components'
import { formatDay } from '../../platform/format'
import type { TwoFactorState } from '../two-factor'
import { CODE_INPUT_MAX, TOTP_DIGITS } from '../two-factor-codes'
import { AuthPage, SubmitButton } from './components'

type Errors = FieldErrors & { form?: string }

// The code field of every two-factor form: one-time-code lets phones offer the code, numeric keypads come
// up; a recovery code (letters) is accepted by the same field.
function CodeField({ name, label, error, help }: { name: string; label: string; error?: string; help?: string }) {
  return <Field name={name} label={label} error={error} help={help} required maxlength={CODE_INPUT_MAX} autocomplete="one-time-code" />
}

/** The code step of sign-in (/login/two-factor): page and htmx fragment. */
export function TwoFactorLoginForm({ error }: { error?: string }) {
  return (
    <form id="two-factor-form" method="post" action="/login/two-factor" hx-post="/login/two-factor" hx-target="this" hx-swap="outerHTML" novalidate>
      <Notice kind="danger" message={error} />
      <CodeField name="code" label="Authentication code" help="The 6-digit code from your authenticator app, or one of your recovery codes." />
      <SubmitButton label="Verify" />
      <p><a href="/login">Start over</a></p>
    </form>
  )
}

export function TwoFactorLoginPage({ error }: { error?: string }) {
  return (
    <AuthPage title="Two-factor authentication" subtitle="Your password was right. One more step.">
      <TwoFactorLoginForm error={error} />
    </AuthPage>
  )
}

/**
 * Re-authentication for a two-factor change (turn on, turn off, new recovery codes): the current password
 * when the account has one, and for changes to a working setup a current code too (ASVS 6.4.x, checklist 11).
 */
export function TwoFactorReauthForm(p: { id: string; action: string; label: string; danger?: boolean; hasPassword: boolean; askCode: boolean; errors?: Errors; intro?: string }) {
  const e = p.errors ?? {}
  return (
    <form id={p.id} method="post" action={p.action} novalidate class="mt-4">
      <Notice kind="danger" message={e.form} />
      {p.intro && <p class="mb-3">{p.intro}</p>}
      {p.hasPassword && <Field name={`${p.id}-password`} label="Current password" type="password" error={e.password} required autocomplete="current-password" />}
      {p.askCode && <CodeField name={`${p.id}-code`} label="Current authentication code or a recovery code" error={e.code} />}
      <SubmitButton label={p.label} kind={p.danger ? 'is-danger is-light' : 'is-primary'} />
    </form>
  )
}

/** The /settings section: what is on, and the forms to change it. */
export function TwoFactorSection({ state, hasPassword, configured }: { state: TwoFactorState; hasPassword: boolean; configured: boolean }) {
  if (!configured) return <p>Two-factor codes are not available on this site yet.</p>
  if (state.enabledAt === null) {
    return (
      <>
        <p>Ask for a code from an authenticator app after your password, so a stolen password alone cannot open your account.</p>
        <TwoFactorReauthForm id="two-factor-start" action="/settings/two-factor/start" label="Turn on two-factor" hasPassword={hasPassword} askCode={false} />
      </>
    )
  }
  return (
    <>
      <p><span class="tag is-success is-light">On</span> since {formatDay(state.enabledAt)} · <span id="recovery-codes-left">{state.recoveryCodesLeft} recovery codes left</span></p>
      {/* Folded away (no script needed): each asks for the password and a code, and both at once read as noise. */}
      <details class="two-factor-action mt-3">
        <summary>New recovery codes</summary>
        <TwoFactorReauthForm id="two-factor-recovery" action="/settings/two-factor/recovery-codes" label="New recovery codes" hasPassword={hasPassword} askCode
          intro="New recovery codes replace every old one." />
      </details>
      <details class="two-factor-action mt-3">
        <summary>Turn off two-factor</summary>
        <TwoFactorReauthForm id="two-factor-disable" action="/settings/two-factor/disable" label="Turn off two-factor" danger hasPassword={hasPassword} askCode />
      </details>
    </>
  )
}

/**
 * The QR code as SVG written in JSX from uqr's module matrix (no raw HTML: checklist 16). Black on white in
 * both themes, with a quiet zone of two modules, as scanners expect.
 */
function QrCode({ text }: { text: string }) {
  const { data, size } = encode(text, { border: 2, ecc: 'M' })
  const d = data.flatMap((row, y) => row.map((dark, x) => (dark ? `M${x},${y}h1v1h-1z` : ''))).join('')
  return (
    <svg xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${size} ${size}`} shape-rendering="crispEdges" aria-hidden="true" focusable="false">
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  )
}

/** Enrolment: the QR code (inline SVG, no script: CSP), the key to type by hand, and the first code. */
export function TwoFactorSetupPage({ keyUri, manualKey, error }: { keyUri: string; manualKey: string; error?: string }) {
  return (
    <AuthPage title="Turn on two-factor" subtitle="Scan the code with an authenticator app, then type the code it shows.">
      <figure class="totp-qr mb-4" role="img" aria-label="QR code of your two-factor key"><QrCode text={keyUri} /></figure>
      <p class="mb-2">No camera? Enter this key in the app instead:</p>
      <p class="mb-4"><code id="totp-manual-key" class="totp-key">{manualKey}</code></p>
      <form id="two-factor-enable" method="post" action="/settings/two-factor/enable" novalidate>
        <Notice kind="danger" message={error} />
        <Field name="code" label="Code from the app" error={error ? 'Check the code and type the one the app shows now.' : undefined} required maxlength={TOTP_DIGITS} inputmode="numeric" autocomplete="one-time-code" />
        <SubmitButton label="Turn on" />
        <p><a href="/settings">Cancel</a></p>
      </form>
    </AuthPage>
  )
}

/** Recovery codes, shown once: listed, and as a text file to download (a data: link, no script). */
export function RecoveryCodesPage({ codes, title }: { codes: string[]; title: string }) {
  const file = `Recovery codes. Each works once, in place of an authenticator code.\n\n${codes.join('\n')}\n`
  return (
    <AuthPage title={title} subtitle="Save these recovery codes somewhere safe. Each one works once if you lose your phone. They are shown only now.">
      <ul id="recovery-codes" class="recovery-codes mb-4">{codes.map((code) => <li><code>{code}</code></li>)}</ul>
      <p class="buttons">
        <a class="button is-light" href={`data:text/plain;charset=utf-8,${encodeURIComponent(file)}`} download="recovery-codes.txt">Download as a text file</a>
        <a class="button is-primary" href="/settings">I have saved them</a>
      </p>
    </AuthPage>
  )
}

export function TwoFactorFormPage({ title, children }: { title: string; children?: unknown }) {
  return <AuthPage title={title}>{children as string}</AuthPage>
}
