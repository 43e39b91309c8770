import type { FileProject, FileRow } from '../schema'
import { PAGE_SIZE, kindOf, type FilePage } from '../service'
import { canDisplayInline } from '../serve'
import { KIND_LABELS, browserUrl, type BrowserQuery } from '../format'
import { formatBytes } from '../../platform/format'
import type { StorageQuota } from '../quota'
import { Thumbnail } from './thumbnail'
import { formatDate } from '../../platform/format'
import { UploadPanel } from './upload'
import { ProjectsPanel } from './projects'
import { Icon } from '../../platform/icons'

type ProjectRef = Pick<FileProject, 'id' | 'name'>


function FileActions({ file, projects, back }: { file: FileRow; projects: ProjectRef[]; back: string }) {
  const hx = { 'hx-target': '#file-browser', 'hx-swap': 'outerHTML' }
  return (
    <details class="files-actions">
      <summary class="button is-small is-light">Manage<span class="is-sr-only"> {file.name}</span></summary>
      <div class="files-actions-body">
        <form method="post" action={`/files/${file.id}/rename`} hx-post={`/files/${file.id}/rename`} {...hx}>
          <input type="hidden" name="back" value={back} />
          <label class="label is-small" for={`rename-${file.id}`}>New name</label>
          <div class="field has-addons">
            <div class="control"><input id={`rename-${file.id}`} class="input is-small" name="name" value={file.name} required maxlength={255} /></div>
            <div class="control"><button class="button is-small" type="submit">Rename</button></div>
          </div>
        </form>
        <form method="post" action={`/files/${file.id}/move`} hx-post={`/files/${file.id}/move`} {...hx}>
          <input type="hidden" name="back" value={back} />
          <label class="label is-small" for={`move-${file.id}`}>Project</label>
          <div class="field has-addons">
            <div class="control"><div class="select is-small">
              <select id={`move-${file.id}`} name="projectId">
                <option value="" selected={file.projectId === null}>No project</option>
                {projects.map((p) => <option value={p.id} selected={p.id === file.projectId}>{p.name}</option>)}
              </select>
            </div></div>
            <div class="control"><button class="button is-small" type="submit">Move</button></div>
          </div>
        </form>
        <form method="post" action={`/files/${file.id}/delete`} hx-post={`/files/${file.id}/delete`} hx-confirm={`Delete ${file.name}? This cannot be undone.`} {...hx}>
          <input type="hidden" name="back" value={back} />
          <button class="button is-small is-danger is-outlined" type="submit">Delete<span class="is-sr-only"> {file.name}</span></button>
        </form>
      </div>
    </details>
  )
}

function FileLinks({ file }: { file: FileRow }) {
  return (
    <span class="files-links">
      <a href={`/files/${file.id}/download`} download>Download<span class="is-sr-only"> {file.name}</span></a>
      {canDisplayInline(file.contentType) && <> · <a href={`/files/${file.id}/view`} target="_blank" rel="noopener">Open<span class="is-sr-only"> {file.name}</span></a></>}
    </span>
  )
}

function projectName(projects: ProjectRef[], id: string | null): string {
  return id === null ? '—' : projects.find((p) => p.id === id)?.name ?? '—'
}

function ListView({ page, back }: { page: FilePage; back: string }) {
  return (
    <div class="table-container">
      <table class="table is-fullwidth is-hoverable files-table">
        <caption class="is-sr-only">Your files</caption>
        <thead><tr><th scope="col"><span class="is-sr-only">Thumbnail</span></th><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Project</th><th scope="col">Uploaded</th><th scope="col"><span class="is-sr-only">Actions</span></th></tr></thead>
        <tbody>
          {page.files.map((file) => (
            <tr id={`file-${file.id}`} class="files-item" data-name={file.name}>
              <td><Thumbnail file={file} /></td>
              <td class="files-name-cell"><span class="files-name">{file.name}</span><FileLinks file={file} /></td>
              <td data-label="Size">{formatBytes(file.size)}</td>
              <td data-label="Project">{projectName(page.projects, file.projectId)}</td>
              <td data-label="Uploaded"><time datetime={file.createdAt.toISOString()}>{formatDate(file.createdAt)}</time></td>
              <td><FileActions file={file} projects={page.projects} back={back} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function GridView({ page, back }: { page: FilePage; back: string }) {
  return (
    <ul class="columns is-multiline is-mobile files-grid" aria-label="Your files">
      {page.files.map((file) => (
        <li id={`file-${file.id}`} class="column is-half-mobile is-one-third-tablet is-one-quarter-desktop files-item" data-name={file.name}>
          <div class="card"><div class="card-content">
            <Thumbnail file={file} />
            <p class="files-name has-text-weight-semibold mt-2">{file.name}</p>
            <p class="is-size-7">{formatBytes(file.size)} · {projectName(page.projects, file.projectId)}</p>
            <p class="is-size-7"><FileLinks file={file} /></p>
            <FileActions file={file} projects={page.projects} back={back} />
          </div></div>
        </li>
      ))}
    </ul>
  )
}

function Pagination({ query, total }: { query: BrowserQuery; total: number }) {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
  if (pages <= 1) return null
  const link = (page: number, label: string, rel?: string) => (
    <a class="pagination-link" href={browserUrl(query, { page })} hx-get={browserUrl(query, { page })} hx-target="#file-browser" hx-swap="outerHTML" hx-push-url="true" rel={rel}>{label}</a>
  )
  return (
    <nav class="pagination is-centered mt-4" aria-label="Pages of files">
      <ul class="pagination-list">
        {query.page > 1 && <li>{link(query.page - 1, 'Previous', 'prev')}</li>}
        <li><span class="pagination-link is-current" aria-current="page">Page {query.page} of {pages}</span></li>
        {query.page < pages && <li>{link(query.page + 1, 'Next', 'next')}</li>}
      </ul>
    </nav>
  )
}

function EmptyState({ query, filtered }: { query: BrowserQuery; filtered: boolean }) {
  return (
    <div class="empty-state files-empty" role="status">
      <span class="empty-state-icon"><Icon name={filtered ? 'search' : 'cloud-upload'} /></span>
      {filtered
        ? <><p class="empty-state-title">No files match these filters.</p><p class="empty-state-body"><a href={browserUrl({ ...query, q: undefined, kind: undefined, project: undefined, page: 1 })}>Show all files</a></p></>
        : <><p class="empty-state-title">You have no files yet.</p><p class="empty-state-body">Drop files on the panel above, or choose them, to upload your first one.</p></>}
    </div>
  )
}

function Filters({ query, projects }: { query: BrowserQuery; projects: ProjectRef[] }) {
  return (
    <form id="file-filters" class="box files-filters" method="get" action="/files" role="search" aria-label="Find files"
      hx-get="/files" hx-target="#file-browser" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, change, input delay:400ms from:#filter-q">
      <input type="hidden" name="view" value={query.view} />
      <div class="field is-grouped is-grouped-multiline">
        <div class="control"><label class="label is-small" for="filter-q">Name contains</label><input id="filter-q" class="input is-small" type="search" name="q" value={query.q ?? ''} maxlength={100} /></div>
        <div class="control"><label class="label is-small" for="filter-kind">Type</label><div class="select is-small">
          <select id="filter-kind" name="kind"><option value="">All types</option>{Object.entries(KIND_LABELS).map(([k, label]) => <option value={k} selected={query.kind === k}>{label}</option>)}</select>
        </div></div>
        <div class="control"><label class="label is-small" for="filter-project">Project</label><div class="select is-small">
          <select id="filter-project" name="project"><option value="">All projects</option><option value="none" selected={query.project === 'none'}>No project</option>{projects.map((p) => <option value={p.id} selected={query.project === p.id}>{p.name}</option>)}</select>
        </div></div>
        <div class="control"><label class="label is-small" for="filter-sort">Sort by</label><div class="select is-small">
          <select id="filter-sort" name="sort">{(['date', 'name', 'size'] as const).map((s) => <option value={s} selected={query.sort === s}>{s === 'date' ? 'Date' : s === 'name' ? 'Name' : 'Size'}</option>)}</select>
        </div></div>
        <div class="control"><label class="label is-small" for="filter-dir">Order</label><div class="select is-small">
          <select id="filter-dir" name="dir"><option value="asc" selected={query.dir === 'asc'}>Ascending</option><option value="desc" selected={query.dir === 'desc'}>Descending</option></select>
        </div></div>
        <div class="control files-filters-submit"><button class="button is-small is-primary" type="submit">Apply</button></div>
      </div>
    </form>
  )
}

/** The swappable part: results, view switch and pages. Reloads itself after an upload or change (`files-changed`). */
type BrowserPage = FilePage & { quota: StorageQuota }

export function FileBrowser({ page, query }: { page: BrowserPage; query: BrowserQuery }) {
  const back = browserUrl(query)
  const filtered = Boolean(query.q || query.kind || query.project)
  const viewLink = (view: BrowserQuery['view'], label: string) => (
    <a class={`button is-small${query.view === view ? ' is-primary is-selected' : ''}`} href={browserUrl(query, { view })} hx-get={browserUrl(query, { view })} hx-target="#file-browser" hx-swap="outerHTML" hx-push-url="true" aria-current={query.view === view ? 'true' : undefined}>{label}</a>
  )
  return (
    <div id="file-browser" hx-get={back} hx-trigger="files-changed from:body" hx-swap="outerHTML">
      <div class="level is-mobile files-toolbar">
        <p class="level-left" id="file-count" role="status">
          {page.total === 1 ? '1 file' : `${page.total} files`}{' · '}
          <span id="storage-quota">{formatBytes(page.quota.usedBytes)} of {page.quota.limitBytes === null ? 'unlimited' : formatBytes(page.quota.limitBytes)} storage used</span>
        </p>
        <div class="level-right buttons has-addons" role="group" aria-label="View">{viewLink('list', 'List')}{viewLink('grid', 'Grid')}</div>
      </div>
      {page.files.length === 0 ? <EmptyState query={query} filtered={filtered} /> : query.view === 'grid' ? <GridView page={page} back={back} /> : <ListView page={page} back={back} />}
      <Pagination query={query} total={page.total} />
    </div>
  )
}

export function FilesPage({ page, query, maxBytes }: { page: BrowserPage; query: BrowserQuery; maxBytes: number }) {
  return (
    <section class="section">
      <div class="container">
        <h1 class="title">Files</h1>
        <UploadPanel maxBytes={maxBytes} projects={page.projects} projectId={query.project && query.project !== 'none' ? query.project : undefined} />
        <ProjectsPanel projects={page.projects} />
        <Filters query={query} projects={page.projects} />
        <FileBrowser page={page} query={query} />
      </div>
    </section>
  )
}

export { kindOf }
