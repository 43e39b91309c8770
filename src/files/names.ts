/** Longest display name, in characters (most file systems allow 255 bytes; we count characters). */
export const MAX_NAME_LENGTH = 255

// C0/C1 controls and DEL, plus bidirectional overrides that can disguise an extension ("gpj.exe" shown
// as "exe.jpg").
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

export type NameResult = { ok: true; name: string } | { ok: false; message: string }

/**
 * A display name for a file or project. It is only ever shown and sent back in Content-Disposition, never
 * used as a storage key (keys are `<userId>/<uuid>`), but path separators are refused so that a name can
 * never be read as a path by a download tool (checklist 31).
 */
export function validateName(raw: unknown, what = 'File name'): NameResult {
  if (typeof raw !== 'string') return { ok: false, message: `${what} is required.` }
  const name = raw.normalize('NFC').trim()
  if (name.length === 0) return { ok: false, message: `${what} is required.` }
  if ([...name].length > MAX_NAME_LENGTH) return { ok: false, message: `${what} must be at most ${MAX_NAME_LENGTH} characters.` }
  if (/[\\/]/.test(name)) return { ok: false, message: `${what} cannot contain / or \\.` }
  if (FORBIDDEN.test(name)) return { ok: false, message: `${what} cannot contain control characters.` }
  if (name === '.' || name === '..') return { ok: false, message: `${what} cannot be "." or "..".` }
  return { ok: true, name }
}

/**
 * `Content-Disposition` per RFC 6266 §4.3 / RFC 8187: an ASCII `filename` fallback for old clients
 * (quotes, backslashes and non-ASCII replaced) and the exact name as UTF-8 in `filename*`.
 */
export function contentDisposition(type: 'attachment' | 'inline', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`
}
