/**
 * `?next=` accepts only a same-origin relative path (checklist 17, Copenhagen open-redirect): it must start
 * with a single `/`, and resolving it against a placeholder origin must stay on that origin — which
 * rejects `//evil.example`, `/\evil.example`, `https://evil.example` and control characters.
 *
 * The *resolved* path is checked again: dot segments collapse during resolution, so `/.//evil.example`,
 * `/..//evil.example` and `/%2e//evil.example` pass the first test yet resolve to `//evil.example`, which a
 * browser reads as a protocol-relative URL to another host.
 */
export function safeNextPath(next: unknown, fallback = '/dashboard'): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 1000) return fallback
  if (!isSingleSlashPath(next)) return fallback
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return fallback
  try {
    const base = 'https://placeholder.invalid'
    const url = new URL(next, base)
    if (url.origin !== base) return fallback
    const resolved = `${url.pathname}${url.search}${url.hash}`
    return isSingleSlashPath(resolved) ? resolved : fallback
  } catch {
    return fallback
  }
}

function isSingleSlashPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\')
}
