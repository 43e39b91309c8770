import { getCookie } from 'hono/cookie'
import type { AppContext } from './types'
import { Icon } from './icons'

/**
 * Light, dark or the system's choice (issue 20). The choice lives in a cookie the page's script writes
 * (public/app.js, plain script), so the server renders `<html data-theme>` already set: no flash of the
 * wrong theme and no blocking script in <head> (the CSP forbids inline ones). No cookie: no attribute, and
 * the stylesheet follows `prefers-color-scheme`. A page sent to a visitor with any cookie is `no-store`
 * (cache-control.ts), so a shared cache never serves one visitor's theme to another.
 */
export const THEME_COOKIE = 'theme'
export type Theme = 'light' | 'dark'

export function readTheme(c: AppContext): Theme | null {
  const value = getCookie(c, THEME_COOKIE)
  return value === 'light' || value === 'dark' ? value : null
}

const CHOICES = [
  { value: 'light', label: 'Light theme', icon: 'sun' },
  { value: 'dark', label: 'Dark theme', icon: 'moon' },
  { value: 'system', label: 'Use the system theme', icon: 'monitor' },
] as const

/** Three pressed-or-not buttons; hidden until the script that makes them work has run. */
export function ThemeSwitch({ theme }: { theme: Theme | null }) {
  return (
    <div class="theme-switch" role="group" aria-label="Theme" hidden>
      {CHOICES.map((choice) => (
        <button type="button" aria-label={choice.label} title={choice.label} data-choice={choice.value} aria-pressed={(theme ?? 'system') === choice.value ? 'true' : 'false'}>
          <Icon name={choice.icon} />
        </button>
      ))}
    </div>
  )
}
