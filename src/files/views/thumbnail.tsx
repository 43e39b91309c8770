import type { FileRow } from '../schema'
import { kindOf } from '../service'

const BADGE: Record<string, string> = { image: 'IMG', pdf: 'PDF', text: 'TXT', archive: 'ZIP', office: 'DOC' }

/**
 * The picture beside a file. Pending polls its own state every 2 s and replaces itself; the answer for a
 * finished state carries no hx-trigger, so polling stops there.
 */
export function Thumbnail({ file }: { file: Pick<FileRow, 'id' | 'name' | 'contentType' | 'thumbnailState'> }) {
  const id = `thumb-${file.id}`
  if (file.thumbnailState === 'ready') {
    return <img id={id} class="file-thumb" src={`/files/${file.id}/thumbnail`} alt={`Thumbnail of ${file.name}`} loading="lazy" data-state="ready" />
  }
  if (file.thumbnailState === 'pending') {
    return (
      <span id={id} class="file-thumb file-thumb-icon is-pending" data-state="pending" role="img" aria-label="Thumbnail being made"
        hx-get={`/files/${file.id}/thumbnail-state`} hx-trigger="every 2s" hx-swap="outerHTML">
        <span aria-hidden="true">…</span>
      </span>
    )
  }
  const label = file.thumbnailState === 'failed' ? 'No thumbnail: it could not be made' : `${kindOf(file.contentType)} file`
  return (
    <span id={id} class="file-thumb file-thumb-icon" data-state={file.thumbnailState} role="img" aria-label={label}>
      {BADGE[kindOf(file.contentType)]}
    </span>
  )
}
