/**
 * `?next=` accepts only a same-origin relative path (checklist 17, Copenhagen open-redirect): it must start
 * with a single `/`, and resolving it against a placeholder origin must stay on that origin — which
 * rejects `//evil.example`, `/\evil.example`, `https://evil.example` and control characters.
 */
export function safeNextPath(next: unknown, fallback = '/dashboard'): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 1000) return fallback
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return fallback
  try {
    const base = 'https://placeholder.invalid'
    const url = new URL(next, base)
    if (url.origin !== base) return fallback
    return `${url.pathname}${url.search}${url.hash}`
  } catch {
    return fallback
  }
}
