import type { Child } from 'hono/jsx'
import { formatDay, formatTime } from '../../platform/format'
import { summariseUserAgent } from '../../platform/user-agent'
import { Field, FormErrorSummary, type FieldErrors, Notice } from '../../platform/components'
import type { SessionRow, User } from '../schema'
import { PASSWORD_MIN } from '../password'
import { describeSignIn } from '../sign-in'
import { SubmitButton } from './components'

export type SettingsErrors = Partial<Record<'name' | 'email' | 'password' | 'delete', FieldErrors & { form?: string }>>

function Card({ id, title, children }: { id: string; title: string; children?: unknown }) {
  return (
    <section class="box" aria-labelledby={`${id}-title`}>
      <h2 class="title is-5" id={`${id}-title`}>{title}</h2>
      {children as string}
    </section>
  )
}

export function NameForm({ user, errors = {} }: { user: User; errors?: FieldErrors & { form?: string } }) {
  return (
    <form id="name-form" method="post" action="/settings/name" hx-post="/settings/name" hx-target="this" hx-swap="outerHTML" novalidate>
      <FormErrorSummary errors={errors} />
      <Field name="name" label="Name" value={user.name} error={errors.name} required maxlength={100} autocomplete="name" />
      <SubmitButton label="Save name" />
    </form>
  )
}

/**
 * Where a step confirms with the current password and the account has none (made through GitHub or
 * Google): a password field that could never be right is not shown; the way on is the password card's
 * "Email me a link to set a password" (docs/auth.md, "Accounts without a password").
 */
export function SetPasswordFirst({ id, action }: { id: string; action: string }) {
  return (
    <p id={id}>
      {`To ${action}, you confirm with your password, and your account has none yet. `}
      <a href="#password-title">Set a password first</a>: we email you a link.
    </p>
  )
}

// Re-authentication before changing email or password (checklist 11, ASVS 7.5.1).
export function EmailForm({ user, pendingEmail, errors = {}, values = {} }: { user: User; pendingEmail?: string | null; errors?: FieldErrors & { form?: string }; values?: { email?: string } }) {
  const current = <p class="mb-3">Current address: <strong>{user.email}</strong>{pendingEmail && pendingEmail !== user.email && <> · waiting for confirmation of <strong>{pendingEmail}</strong></>}</p>
  if (user.passwordHash === null) return <div><Notice kind="danger" message={errors.form ?? errors.email_current_password} />{current}<SetPasswordFirst id="email-form" action="change your email address" /></div>
  return (
    <form id="email-form" method="post" action="/settings/email" hx-post="/settings/email" hx-target="this" hx-swap="outerHTML" novalidate>
      <Notice kind="danger" message={errors.form} />
      {current}
      <Field name="email" label="New email address" type="email" value={values.email} error={errors.email} required maxlength={254} autocomplete="email"
        help="We send a code to the new address; your old address is told once the change is confirmed." />
      <Field name="email_current_password" label="Current password" type="password" error={errors.email_current_password} required autocomplete="current-password" />
      <SubmitButton label="Change email" />
    </form>
  )
}

export function PasswordForm({ errors = {} }: { errors?: FieldErrors & { form?: string } }) {
  return (
    <form id="password-form" method="post" action="/settings/password" hx-post="/settings/password" hx-target="this" hx-swap="outerHTML" novalidate>
      <Notice kind="danger" message={errors.form} />
      <Field name="current_password" label="Current password" type="password" error={errors.current_password} required autocomplete="current-password" />
      <Field name="new_password" label="New password" type="password" error={errors.new_password} required minlength={PASSWORD_MIN} autocomplete="new-password"
        help={`At least ${PASSWORD_MIN} characters. Your other sessions will be signed out.`} />
      <SubmitButton label="Change password" />
    </form>
  )
}

/**
 * An account made through GitHub or Google has no password (issue 22): it gets one through the reset mail,
 * which proves the mailbox like a sign-up does. Until then the steps that ask for the current password
 * (email change, deletion) say to set one first (docs/auth.md, "Accounts without a password").
 */
export function SetPasswordForm({ email }: { email: string }) {
  return (
    <form id="set-password-form" method="post" action="/forgot-password">
      <p class="mb-3">Your account has no password: you sign in with a linked account. Set one to sign in with your email too; changing your email or deleting the account asks for it.</p>
      <input type="hidden" name="email" value={email} />
      <SubmitButton label="Email me a link to set a password" />
    </form>
  )
}

export function SessionsList({ sessions, currentId }: { sessions: SessionRow[]; currentId: string }) {
  return (
    <table class="table is-fullwidth" id="sessions-table">
      <caption class="is-sr-only">Active sessions</caption>
      <thead><tr><th scope="col">Device</th><th scope="col">Last seen</th><th scope="col"><span class="is-sr-only">Action</span></th></tr></thead>
      <tbody>
        {sessions.map((s) => (
          <tr>
            {/* The summary for people, the raw header on hover for the curious (issue 20). */}
            <td><span class="session-device" title={s.userAgent || undefined}>{summariseUserAgent(s.userAgent).label}</span><span class="is-block is-size-7 has-text-grey-dark">{describeSignIn(s)}{s.ipAddress && ` · ${s.ipAddress}`}</span></td>
            {/* Date and time each stay whole: on a phone the cell breaks between them, not inside them. */}
            <td><time datetime={s.lastSeenAt.toISOString()}><span class="nowrap">{formatDay(s.lastSeenAt)}</span> {formatTime(s.lastSeenAt).replace(' ', '\u00a0')}</time></td>
            <td class="has-text-right">
              {s.id === currentId ? <span class="tag is-info is-light">This device</span> : (
                <form method="post" action={`/settings/sessions/${s.id}/revoke`}>
                  <button class="button is-small is-danger is-light" type="submit" aria-label={`Sign out ${summariseUserAgent(s.userAgent).label}`}>Sign out</button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** The sessions, and one button to end all but this one (after a lost device or a changed sign-in method). */
export function SessionsSection({ sessions, currentId }: { sessions: SessionRow[]; currentId: string }) {
  const others = sessions.filter((s) => s.id !== currentId).length
  return (
    <>
      <SessionsList sessions={sessions} currentId={currentId} />
      {others > 0 && (
        <form class="mt-3" method="post" action="/settings/sessions/revoke-others">
          <button class="button is-danger is-light" type="submit">Sign out all other sessions</button>
        </form>
      )}
    </>
  )
}

export function DeleteForm({ hasPassword, errors = {} }: { hasPassword: boolean; errors?: FieldErrors & { form?: string } }) {
  const warning = <p class="mb-3">This deletes your account and all its data. It cannot be undone.</p>
  if (!hasPassword) return <div><Notice kind="danger" message={errors.form ?? errors.delete_current_password} />{warning}<SetPasswordFirst id="delete-form" action="delete your account" /></div>
  return (
    <form id="delete-form" method="post" action="/settings/delete" hx-post="/settings/delete" hx-target="this" hx-swap="outerHTML" novalidate>
      <Notice kind="danger" message={errors.form} />
      {warning}
      <Field name="delete_current_password" label="Confirm with your password" type="password" error={errors.delete_current_password} required autocomplete="current-password" />
      <SubmitButton label="Delete my account" kind="is-danger" />
    </form>
  )
}

/** Sections other features add (linked providers, passkeys), each already loaded. */
export interface LoadedSettingsSection { id: string; title: string; content: Child }

export function SettingsPage(p: { user: User; sessions: SessionRow[]; currentSessionId: string; pendingEmail: string | null; errors?: SettingsErrors; emailValue?: string; sections?: LoadedSettingsSection[] }) {
  const e = p.errors ?? {}
  return (
    <section class="section">
      <div class="container">
        <h1 class="title">Settings</h1>
        <div class="columns">
          {/* The account on the left (who you are, ending with leaving); how you sign in on the right: the
              sign-in methods other features add, then the sessions they started. */}
          <div class="column is-half">
            <Card id="profile" title="Profile"><NameForm user={p.user} errors={e.name} /></Card>
            <Card id="email" title="Email address"><EmailForm user={p.user} pendingEmail={p.pendingEmail} errors={e.email} values={{ email: p.emailValue }} /></Card>
            <Card id="password" title={p.user.passwordHash === null ? 'Set a password' : 'Password'}>{p.user.passwordHash === null ? <SetPasswordForm email={p.user.email} /> : <PasswordForm errors={e.password} />}</Card>
            <Card id="delete" title="Delete account"><DeleteForm hasPassword={p.user.passwordHash !== null} errors={e.delete} /></Card>
          </div>
          <div class="column is-half">
            {(p.sections ?? []).map((section) => <Card id={section.id} title={section.title}>{section.content}</Card>)}
            <Card id="sessions" title="Active sessions"><SessionsSection sessions={p.sessions} currentId={p.currentSessionId} /></Card>
          </div>
        </div>
      </div>
    </section>
  )
}
