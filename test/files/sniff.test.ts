import { describe, expect, it } from 'vitest'
import { ALLOWED_EXTENSIONS, extensionOf, sniffFile } from '../../src/files/sniff'

// What an upload is, from its first bytes and its name (checklist 31). upload.test.ts sends real files
// through the routes; here each format and each refusal of the sniffer on its own, from a few bytes.

const bytes = (...parts: Array<number[] | string>) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)))
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0])
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const ZIP = bytes([0x50, 0x4b, 0x03, 0x04], 'rest')
const EMPTY_ZIP = bytes([0x50, 0x4b, 0x05, 0x06])
const OLE = bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])

const accepted = (head: Uint8Array, name: string, complete = true) => {
  const result = sniffFile(head, name, complete)
  return result.ok ? `${result.kind} ${result.contentType}` : `refused: ${result.message}`
}

describe('sniffFile', () => {
  it('takes each image format only under one of its own extensions', () => {
    expect(accepted(JPEG, 'Photo.JFIF')).toBe('image image/jpeg')
    expect(accepted(PNG, 'a.png')).toBe('image image/png')
    expect(accepted(bytes('GIF87a', [1, 0]), 'old.gif')).toBe('image image/gif')
    expect(accepted(bytes('GIF89a', [1, 0]), 'new.gif')).toBe('image image/gif')
    expect(accepted(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'w.webp')).toBe('image image/webp')
    expect(accepted(PNG, 'photo.jpg')).toBe('refused: This file is a PNG image but is named ".jpg": rename it to match.')
    expect(accepted(JPEG, 'photo')).toBe('refused: This file is a JPEG image but is named ".(no extension)": rename it to match.')
    // RIFF that is not WebP (a WAV) is no image; it is not text either.
    expect(accepted(bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ', [0]), 'sound.webp')).toMatch(/^refused: This file type is not accepted/)
  })

  it('a PDF must be named .pdf', () => {
    expect(accepted(bytes('%PDF-1.7\n'), 'report.PDF')).toBe('pdf application/pdf')
    expect(accepted(bytes('%PDF-1.7\n'), 'report.txt')).toBe('refused: This file is a PDF: its name must end in ".pdf".')
  })

  it('a ZIP is an archive, an Office document by its extension, or refused', () => {
    expect(accepted(ZIP, 'backup.zip')).toBe('archive application/zip')
    expect(accepted(EMPTY_ZIP, 'empty.zip')).toBe('archive application/zip')
    expect(accepted(ZIP, 'letter.docx')).toBe('office application/vnd.openxmlformats-officedocument.wordprocessingml.document')
    expect(accepted(ZIP, 'sheet.ods')).toBe('office application/vnd.oasis.opendocument.spreadsheet')
    expect(accepted(ZIP, 'app.jar')).toBe('refused: This file is a ZIP archive: its name must end in ".zip" (or be an Office document).')
  })

  it('the older Office format only as .doc, .xls or .ppt', () => {
    expect(accepted(OLE, 'old.xls')).toBe('office application/vnd.ms-excel')
    expect(accepted(OLE, 'setup.msi')).toBe('refused: Only .doc, .xls and .ppt files of this older Office format are accepted.')
  })

  it('text is valid UTF-8 under a text extension; markup is refused whatever its name', () => {
    expect(accepted(bytes('\uFEFFname,total\nAda,3\n'), 'export.csv')).toBe('text text/csv; charset=utf-8')
    expect(accepted(bytes('a\tb\n'), 'table.tsv')).toBe('text text/tab-separated-values; charset=utf-8')
    expect(accepted(bytes('# Notes: café\n'), 'notes.md')).toBe('text text/plain; charset=utf-8')
    const markup = 'refused: HTML, SVG and other markup files are not accepted: they could run scripts in a browser.'
    expect(accepted(bytes('  <svg xmlns="http://www.w3.org/2000/svg"/>'), 'logo.txt')).toBe(markup)
    expect(accepted(bytes('Hello\n<script>alert(1)</script>'), 'hello.txt')).toBe(markup)
    expect(accepted(bytes('just words'), 'words')).toBe('refused: ".(no extension)" files are not accepted. Text files must end in .txt, .csv, .tsv, .md or .log.')
    expect(accepted(bytes('just words'), 'page.html')).toBe('refused: ".html" files are not accepted. Text files must end in .txt, .csv, .tsv, .md or .log.')
  })

  it('NUL bytes or invalid UTF-8 are binary, and binary of no known kind is refused', () => {
    const refused = 'refused: This file type is not accepted. Allowed: JPEG, PNG, GIF, WebP, PDF, text/CSV, ZIP and Office documents.'
    expect(accepted(bytes('abc', [0], 'def'), 'data.txt')).toBe(refused)
    expect(accepted(bytes('abc', [0xc3, 0x28]), 'data.txt')).toBe(refused) // an invalid continuation byte
    expect(accepted(bytes([0xfe, 0xed, 0xfa, 0xce, 0x0c]), 'tool.txt')).toBe(refused) // Mach-O: 0xFE never occurs in UTF-8
  })

  it('a sniffed window cut inside a multi-byte character is still text; the whole file is not', () => {
    const euro = [0xe2, 0x82, 0xac] // €
    // Cut after the first two of its three bytes, and after the lead byte alone.
    expect(accepted(bytes('price: ', euro.slice(0, 2)), 'prices.txt', false)).toBe('text text/plain; charset=utf-8')
    expect(accepted(bytes('price: ', euro.slice(0, 1)), 'prices.txt', false)).toBe('text text/plain; charset=utf-8')
    expect(accepted(bytes('price: ', euro), 'prices.txt', false)).toBe('text text/plain; charset=utf-8')
    // When the head is the whole file, a cut character is invalid UTF-8.
    expect(accepted(bytes('price: ', euro.slice(0, 2)), 'prices.txt', true)).toMatch(/^refused: This file type is not accepted/)
  })
})

describe('extensionOf and the allowlist', () => {
  it('takes the last extension in lower case; a leading dot alone is no extension', () => {
    expect(extensionOf('Archive.TAR.GZ')).toBe('gz')
    expect(extensionOf('.bashrc')).toBe('')
    expect(extensionOf('README')).toBe('')
  })

  it('lists every accepted extension once', () => {
    expect(new Set(ALLOWED_EXTENSIONS).size).toBe(ALLOWED_EXTENSIONS.length)
    expect(ALLOWED_EXTENSIONS).toEqual(expect.arrayContaining(['jpg', 'jfif', 'png', 'gif', 'webp', 'pdf', 'txt', 'csv', 'tsv', 'md', 'log', 'zip', 'docx', 'xlsx', 'pptx', 'odt', 'doc', 'xls', 'ppt']))
    expect(ALLOWED_EXTENSIONS).not.toContain('svg')
  })
})
