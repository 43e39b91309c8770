import { ALLOWED_EXTENSIONS } from '../sniff'
import { formatLimit } from '../upload'
import type { FileProject } from '../schema'

/**
 * The upload panel. Alpine (`uploader` in public/app.js) checks each file's extension and size before
 * sending, then sends each one as its own XHR POST of the raw bytes so that the progress bar is
 * real (upload progress events) and the server can stream it to R2. Without JavaScript the panel says so:
 * uploads need it; everything else on the page works without.
 */
export function UploadPanel({ maxBytes, projects, projectId }: { maxBytes: number; projects: Pick<FileProject, 'id' | 'name'>[]; projectId?: string }) {
  const accept = ALLOWED_EXTENSIONS.map((e) => `.${e}`).join(',')
  return (
    <div class="box upload-panel" x-data="uploader" data-max-bytes={String(maxBytes)} data-accept={accept} data-max-label={formatLimit(maxBytes)}>
      <h2 class="title is-5">Upload files</h2>
      <noscript><p class="notification is-warning is-light">Uploading needs JavaScript. Browsing, downloading and managing files work without it.</p></noscript>
      <div class="field is-grouped is-grouped-multiline">
        <div class="control">
          <label class="label" for="upload-project">Into project</label>
          <div class="select">
            <select id="upload-project" x-model="projectId">
              <option value="">No project</option>
              {projects.map((p) => <option value={p.id} selected={p.id === projectId}>{p.name}</option>)}
            </select>
          </div>
        </div>
        <div class="control">
          <label class="label" for="upload-input">Files</label>
          <input id="upload-input" class="input" type="file" multiple accept={accept} x-bind="picker" aria-describedby="upload-help" />
        </div>
      </div>
      <p class="help" id="upload-help">
        Up to {formatLimit(maxBytes)} each. JPEG, PNG, GIF, WebP, PDF, text and CSV, ZIP and Office documents.
      </p>
      <ul class="upload-list mt-3" aria-live="polite">
        <template x-for="item in items" x-bind:key="item.id">
          <li class="upload-item" x-bind:data-status="item.status">
            <span class="upload-name" x-text="item.name" />
            <progress class="progress is-small is-primary" max="100" x-bind:value="item.percent" x-bind:aria-label="item.progressLabel" x-show="item.sent" />
            <span class="upload-message" x-bind:class="item.messageClass" x-text="item.message" />
          </li>
        </template>
      </ul>
    </div>
  )
}
