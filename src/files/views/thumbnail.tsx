import type { FileRow, ThumbnailState } from '../schema'
import { kindOf } from '../service'

const BADGE: Record<string, string> = { image: 'IMG', pdf: 'PDF', text: 'TXT', archive: 'ZIP', office: 'DOC' }
/** The states in which an image has no thumbnail, and why (issue 19: refused before decoding, ADR 0053). */
const NO_PREVIEW: Partial<Record<ThumbnailState, string>> = {
  too_large: 'too large to preview',
  unreadable: 'could not read image',
  failed: 'could not be made',
}

/**
 * The picture beside a file. Pending polls its own state every 2 s and replaces itself; the answer for a
 * finished state carries no hx-trigger, so polling stops there.
 */
export function Thumbnail({ file }: { file: Pick<FileRow, 'id' | 'name' | 'contentType' | 'thumbnailState'> }) {
  const id = `thumb-${file.id}`
  if (file.thumbnailState === 'ready') {
    return <img id={id} class="files-thumb" src={`/files/${file.id}/thumbnail`} alt={`Thumbnail of ${file.name}`} loading="lazy" data-state="ready" />
  }
  if (file.thumbnailState === 'pending') {
    return (
      <span id={id} class="files-thumb files-thumb-icon is-pending" data-state="pending" role="img" aria-label="Thumbnail being made"
        hx-get={`/files/${file.id}/thumbnail-state`} hx-trigger="every 2s" hx-swap="outerHTML">
        <span aria-hidden="true">…</span>
      </span>
    )
  }
  const reason = NO_PREVIEW[file.thumbnailState]
  if (reason) {
    // Why there is no picture, in words (not only the badge): the thumbnailer refused or gave up.
    return (
      <span id={id} class="files-thumb files-thumb-icon is-flex-direction-column has-text-centered" data-state={file.thumbnailState} role="img" aria-label={`No thumbnail: ${reason}`} title={`No thumbnail: ${reason}`}>
        <span aria-hidden="true">{BADGE[kindOf(file.contentType)]}</span>
        <span class="is-size-7 has-text-weight-normal" aria-hidden="true">{reason}</span>
      </span>
    )
  }
  return (
    <span id={id} class="files-thumb files-thumb-icon" data-state={file.thumbnailState} role="img" aria-label={`${kindOf(file.contentType)} file`}>
      {BADGE[kindOf(file.contentType)]}
    </span>
  )
}
