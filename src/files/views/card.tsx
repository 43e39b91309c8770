import { formatBytes } from '../../platform/format'

/** Dashboard card (and admin user section): storage in use and a way to the browser. */
export function StorageCard({ summary, verified, admin = false }: { summary: { bytes: number; files: number }; verified: boolean; admin?: boolean }) {
  return (
    <div class="content" data-card="files">
      <p><strong>{formatBytes(summary.bytes)}</strong> used by {summary.files === 1 ? '1 file' : `${summary.files} files`}.</p>
      {!admin && (verified ? <p><a href="/files">Open files</a></p> : <p class="help">Verify your email to unlock this.</p>)}
    </div>
  )
}
