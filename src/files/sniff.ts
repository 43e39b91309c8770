/**
 * What an upload really is, from its first bytes (checklist 31; OWASP File Upload Cheat Sheet): the
 * browser's Content-Type and the file name are never trusted. Only the types below are stored; SVG and
 * HTML are refused outright (they are active content), and a name's extension must agree with the bytes.
 */
export type FileKind = 'image' | 'pdf' | 'text' | 'archive' | 'office'

export interface SniffedType {
  contentType: string
  kind: FileKind
}

export type SniffResult = ({ ok: true } & SniffedType) | { ok: false; message: string }

/** Bytes the sniffer wants to see (less when the file is shorter). */
export const SNIFF_BYTES = 4096

const OOXML: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
}
const LEGACY_OFFICE: Record<string, string> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
}
const IMAGE_EXTENSIONS: Record<string, string[]> = {
  'image/jpeg': ['jpg', 'jpeg', 'jfif'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
}
const TEXT_EXTENSIONS: Record<string, string> = { txt: 'text/plain', text: 'text/plain', md: 'text/plain', log: 'text/plain', csv: 'text/csv', tsv: 'text/tab-separated-values' }

/** The allowlist as the upload form's `accept` attribute and docs/files.md state it. */
export const ALLOWED_EXTENSIONS = [
  ...Object.values(IMAGE_EXTENSIONS).flat(), 'pdf', ...Object.keys(TEXT_EXTENSIONS), 'zip',
  ...Object.keys(OOXML), ...Object.keys(LEGACY_OFFICE),
]

/** Raster images the thumbnailer and inline display accept. */
export const RASTER_IMAGE_TYPES = new Set(Object.keys(IMAGE_EXTENSIONS))

function startsWith(bytes: Uint8Array, signature: number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false
  return signature.every((b, i) => bytes[offset + i] === b)
}

const ascii = (s: string) => [...s].map((ch) => ch.charCodeAt(0))

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
}

function binaryType(head: Uint8Array): string | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'image/gif'
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'image/webp'
  if (startsWith(head, ascii('%PDF-'))) return 'application/pdf'
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'application/zip'
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'application/x-ole-storage'
  return null
}

// Text is accepted only as valid UTF-8 without NUL bytes that does not open like markup: a ".txt" that is
// really HTML or SVG is refused, not stored and served as text.
function looksLikeText(head: Uint8Array, complete: boolean): 'text' | 'markup' | 'binary' {
  if (head.includes(0)) return 'binary'
  // A multi-byte character may be cut at the end of the sniffed window: drop up to 3 trailing bytes.
  let bytes = head
  if (!complete) {
    let cut = bytes.length
    while (cut > 0 && cut > bytes.length - 4 && (bytes[cut - 1]! & 0xc0) === 0x80) cut--
    if (cut > 0 && bytes[cut - 1]! >= 0xc0) cut--
    bytes = bytes.subarray(0, cut)
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return 'binary'
  }
  const start = text.replace(/^\uFEFF/, '').trimStart().slice(0, 256).toLowerCase()
  if (start.startsWith('<') || /<(script|svg|html|iframe|body)\b/.test(text.toLowerCase())) return 'markup'
  return 'text'
}

/**
 * Decides from the first bytes (`head`) and the display name. `complete` is true when `head` is the
 * whole file.
 */
export function sniffFile(head: Uint8Array, name: string, complete: boolean): SniffResult {
  const ext = extensionOf(name)
  const binary = binaryType(head)
  if (binary !== null && binary in IMAGE_EXTENSIONS) {
    if (!IMAGE_EXTENSIONS[binary]!.includes(ext)) return { ok: false, message: `This file is a ${binary.slice(6).toUpperCase()} image but is named ".${ext || '(no extension)'}": rename it to match.` }
    return { ok: true, contentType: binary, kind: 'image' }
  }
  if (binary === 'application/pdf') {
    if (ext !== 'pdf') return { ok: false, message: 'This file is a PDF: its name must end in ".pdf".' }
    return { ok: true, contentType: binary, kind: 'pdf' }
  }
  if (binary === 'application/zip') {
    if (ext === 'zip') return { ok: true, contentType: 'application/zip', kind: 'archive' }
    if (OOXML[ext]) return { ok: true, contentType: OOXML[ext]!, kind: 'office' }
    return { ok: false, message: 'This file is a ZIP archive: its name must end in ".zip" (or be an Office document).' }
  }
  if (binary === 'application/x-ole-storage') {
    if (LEGACY_OFFICE[ext]) return { ok: true, contentType: LEGACY_OFFICE[ext]!, kind: 'office' }
    return { ok: false, message: 'Only .doc, .xls and .ppt files of this older Office format are accepted.' }
  }
  const text = looksLikeText(head, complete)
  if (text === 'markup') return { ok: false, message: 'HTML, SVG and other markup files are not accepted: they could run scripts in a browser.' }
  if (text === 'text') {
    if (TEXT_EXTENSIONS[ext]) return { ok: true, contentType: `${TEXT_EXTENSIONS[ext]}; charset=utf-8`, kind: 'text' }
    return { ok: false, message: `".${ext || '(no extension)'}" files are not accepted. Text files must end in .txt, .csv, .tsv, .md or .log.` }
  }
  return { ok: false, message: 'This file type is not accepted. Allowed: JPEG, PNG, GIF, WebP, PDF, text/CSV, ZIP and Office documents.' }
}
