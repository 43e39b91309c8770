import { contentDisposition } from './names'
import type { FileRow } from './schema'
import { RASTER_IMAGE_TYPES } from './sniff'

/**
 * How an upload leaves the Worker (checklist 32; ASVS 5.4.1/5.4.2; web.dev "securely hosting user data"):
 * only after the caller's ownership check, with the stored (sniffed) type and `nosniff`, as an attachment
 * unless it is a raster image or a PDF asked for inline, and under a CSP that lets the document run
 * nothing. SVG and HTML are never stored, so they can never be served inline either.
 */
const IMAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
// Chromium's PDF viewer does not start inside a CSP `sandbox`; the PDF still gets no script, frame or
// connection of the site's origin (scripts inside a PDF run in the viewer's own sandbox, not the page).
const PDF_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'"
const ATTACHMENT_CSP = "default-src 'none'; sandbox"

export function canDisplayInline(contentType: string): boolean {
  return RASTER_IMAGE_TYPES.has(contentType) || contentType === 'application/pdf'
}

type ByteRange = { offset: number; length: number }

/**
 * One `bytes=` range (RFC 9110 §14.1.2) against a size: `a-b`, `a-`, `-n`. Several ranges answer with the
 * whole file (allowed), malformed ones are ignored; `unsatisfiable` becomes a 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match || (match[1] === '' && match[2] === '')) return null
  if (match[1] === '') {
    const suffix = Number(match[2])
    if (suffix === 0) return 'unsatisfiable'
    const length = Math.min(suffix, size)
    return { offset: size - length, length }
  }
  const start = Number(match[1])
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  if (start >= size || end < start) return 'unsatisfiable'
  return { offset: start, length: end - start + 1 }
}

export async function serveObject(bucket: R2Bucket, file: Pick<FileRow, 'name' | 'size'>, opts: {
  key: string
  contentType: string
  disposition: 'attachment' | 'inline'
  rangeHeader?: string
  method?: string
}): Promise<Response> {
  const headers = new Headers({
    'Content-Type': opts.contentType,
    'X-Content-Type-Options': 'nosniff',
    'Content-Disposition': contentDisposition(opts.disposition, file.name),
    'Content-Security-Policy': opts.disposition === 'attachment' ? ATTACHMENT_CSP : opts.contentType === 'application/pdf' ? PDF_CSP : IMAGE_CSP,
    'Cache-Control': 'private, no-cache',
    'Accept-Ranges': 'bytes',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  })
  const head = await bucket.head(opts.key)
  if (head === null) return new Response('This file is no longer stored.', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } })
  const size = head.size
  headers.set('ETag', head.httpEtag)
  const range = parseRange(opts.rangeHeader, size)
  if (range === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${size}`)
    return new Response(null, { status: 416, headers })
  }
  if (opts.method === 'HEAD') {
    headers.set('Content-Length', String(size))
    return new Response(null, { status: 200, headers })
  }
  const object = await bucket.get(opts.key, range ? { range } : undefined)
  if (object === null) return new Response('This file is no longer stored.', { status: 404 })
  if (range) {
    headers.set('Content-Range', `bytes ${range.offset}-${range.offset + range.length - 1}/${size}`)
    headers.set('Content-Length', String(range.length))
    return new Response(object.body, { status: 206, headers })
  }
  headers.set('Content-Length', String(size))
  return new Response(object.body, { status: 200, headers })
}
