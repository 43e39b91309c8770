import type { FileKind } from './sniff'
import type { FileQuery, SortDir, SortKey } from './service'

export type ViewMode = 'list' | 'grid'
export interface BrowserQuery extends FileQuery { view: ViewMode }

const KINDS: FileKind[] = ['image', 'pdf', 'text', 'archive', 'office']
export const KIND_LABELS: Record<FileKind, string> = { image: 'Images', pdf: 'PDFs', text: 'Text and CSV', archive: 'ZIP archives', office: 'Office documents' }

/** The browser's state from its URL. Unknown values fall back to defaults rather than erroring: they are only filters. */
export function parseBrowserQuery(q: Record<string, string | undefined>): BrowserQuery {
  const sort: SortKey = q.sort === 'name' || q.sort === 'size' ? q.sort : 'date'
  const dir: SortDir = q.dir === 'asc' || q.dir === 'desc' ? q.dir : sort === 'name' ? 'asc' : 'desc'
  const page = Math.min(Math.max(Number.parseInt(q.page ?? '1', 10) || 1, 1), 10_000)
  return {
    q: (q.q ?? '').trim().slice(0, 100) || undefined,
    kind: KINDS.includes(q.kind as FileKind) ? (q.kind as FileKind) : undefined,
    project: q.project || undefined,
    sort, dir, page,
    view: q.view === 'grid' ? 'grid' : 'list',
  }
}

/** The URL of the browser with some of its state changed (pagination, view, sort links). */
export function browserUrl(query: BrowserQuery, change: Partial<BrowserQuery> = {}): string {
  const next = { ...query, ...change }
  const params = new URLSearchParams()
  if (next.q) params.set('q', next.q)
  if (next.kind) params.set('kind', next.kind)
  if (next.project) params.set('project', next.project)
  if (next.sort !== 'date') params.set('sort', next.sort)
  if (next.dir !== (next.sort === 'name' ? 'asc' : 'desc')) params.set('dir', next.dir)
  if (next.view !== 'list') params.set('view', next.view)
  if (next.page > 1) params.set('page', String(next.page))
  const s = params.toString()
  return s ? `/files?${s}` : '/files'
}
