import type { Child } from 'hono/jsx'
import { Icon, type IconName } from './icons'

export type FieldErrors = Partial<Record<string, string>>

interface FieldProps {
  name: string
  label: string
  type?: 'text' | 'email' | 'password' | 'url' | 'number' | 'tel'
  value?: string
  error?: string
  help?: string
  required?: boolean
  autocomplete?: string
  maxlength?: number
  minlength?: number
  autofocus?: boolean
  inputmode?: 'decimal' | 'email' | 'none' | 'numeric' | 'search' | 'tel' | 'text' | 'url'
}

// A labelled input whose error is tied to it with aria-describedby (WCAG 1.3.1, 3.3.1).
export function Field(p: FieldProps) {
  const id = `field-${p.name}`
  const describedBy = [p.error ? `${id}-error` : '', p.help ? `${id}-help` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div class="field">
      <label class="label" for={id}>{p.label}</label>
      <div class="control">
        <input
          id={id}
          class={`input${p.error ? ' is-danger' : ''}`}
          name={p.name}
          type={p.type ?? 'text'}
          value={p.type === 'password' ? undefined : p.value}
          required={p.required}
          autocomplete={p.autocomplete}
          maxlength={p.maxlength}
          minlength={p.minlength}
          autofocus={p.autofocus}
          inputmode={p.inputmode}
          aria-invalid={p.error ? 'true' : undefined}
          aria-describedby={describedBy}
        />
      </div>
      {p.help && <p class="help" id={`${id}-help`}>{p.help}</p>}
      {p.error && <p class="help is-danger" id={`${id}-error`}>{p.error}</p>}
    </div>
  )
}

export function TextArea(p: Omit<FieldProps, 'type' | 'autocomplete'> & { rows?: number }) {
  const id = `field-${p.name}`
  return (
    <div class="field">
      <label class="label" for={id}>{p.label}</label>
      <div class="control">
        <textarea
          id={id}
          class={`textarea${p.error ? ' is-danger' : ''}`}
          name={p.name}
          rows={p.rows ?? 6}
          required={p.required}
          maxlength={p.maxlength}
          aria-invalid={p.error ? 'true' : undefined}
          aria-describedby={p.error ? `${id}-error` : undefined}
        >{p.value ?? ''}</textarea>
      </div>
      {p.error && <p class="help is-danger" id={`${id}-error`}>{p.error}</p>}
    </div>
  )
}

export function FormErrorSummary({ errors }: { errors: FieldErrors }) {
  const messages = Object.values(errors).filter(Boolean)
  if (messages.length === 0) return null
  return (
    <div class="notification is-danger is-light" role="alert">
      Please correct {messages.length === 1 ? 'the highlighted field' : `the ${messages.length} highlighted fields`}.
    </div>
  )
}

// One notification box: flash messages and form-level messages alike. Errors are alerts (announced at
// once); everything else is a polite status.
export function Notice({ kind, message }: { kind: 'success' | 'info' | 'warning' | 'danger'; message?: string | null }) {
  if (!message) return null
  return (
    <div class={`notification is-${kind} is-light`} role={kind === 'danger' ? 'alert' : 'status'}>
      {message}
    </div>
  )
}

/**
 * What a list shows when it has nothing yet (issue 20): an icon, what is missing, and the next action —
 * never a bare "No items." A status, so a list that empties after an htmx action is announced.
 */
export function EmptyState({ icon, title, children }: { icon: IconName; title: string; children?: Child }) {
  return (
    <div class="empty-state" role="status">
      <span class="empty-state-icon"><Icon name={icon} /></span>
      <p class="empty-state-title">{title}</p>
      {children && <div class="empty-state-body">{children}</div>}
    </div>
  )
}
