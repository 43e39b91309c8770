import { ALLOWED_EXTENSIONS } from '../sniff'
import { formatBytes } from '../../platform/format'
import type { FileProject } from '../schema'
import { Icon } from '../../platform/icons'

/**
 * The upload panel: a drop zone with a real, labelled file input. Without JavaScript it is a plain
 * multipart form post (src/files/upload-form.ts) with an Upload button. With it, Alpine (`uploader` in
 * public/components.js) marks the panel `is-enhanced`, takes files from the picker or a drop, checks each one's
 * extension and size, and sends each as its own XHR POST of the raw bytes, so the progress bar follows
 * real upload progress and the server streams the file to R2. Each item then turns green (and leaves the
 * list after a moment) or red with the server's message (until dismissed); the browser below refreshes.
 */
export function UploadPanel({ maxBytes, projects, projectId }: { maxBytes: number; projects: Pick<FileProject, 'id' | 'name'>[]; projectId?: string }) {
  const accept = ALLOWED_EXTENSIONS.map((e) => `.${e}`).join(',')
  return (
    <form class="box upload-panel" method="post" action="/files/upload" enctype="multipart/form-data" x-data="uploader" x-bind="panel"
      data-max-bytes={String(maxBytes)} data-accept={accept} data-max-label={formatBytes(maxBytes)}>
      <h2 class="title is-5">Upload files</h2>
      <div class="field">
        <label class="label" for="upload-project">Into project</label>
        <div class="control">
          <div class="select">
            <select id="upload-project" name="projectId" x-model="projectId">
              <option value="">No project</option>
              {projects.map((p) => <option value={p.id} selected={p.id === projectId}>{p.name}</option>)}
            </select>
          </div>
        </div>
      </div>
      <div class="upload-drop" x-bind="dropZone" data-testid="upload-drop">
        <input id="upload-input" class="upload-input" type="file" name="files" multiple accept={accept} x-bind="picker" aria-describedby="upload-help" />
        <label class="upload-choose" for="upload-input">
          <span class="button is-primary upload-choose-button"><Icon name="upload" />Choose files</span>
          <span class="upload-drop-hint">or drop them here</span>
        </label>
        <p class="help" id="upload-help">
          Up to {formatBytes(maxBytes)} each. JPEG, PNG, GIF, WebP, PDF, text and CSV, ZIP and Office documents.
        </p>
        <div class="upload-submit">
          <button class="button is-primary" type="submit">Upload</button>
        </div>
      </div>
      <ul class="upload-list" aria-live="polite" aria-label="Uploads">
        <template x-for="item in items" x-bind:key="item.id">
          <li class="upload-item" x-bind:data-status="item.status">
            <div class="upload-item-head">
              <span class="upload-name" x-text="item.name" />
              <button type="button" class="delete is-small" x-bind="dismissButton" />
            </div>
            <progress class="progress is-small" max="100" x-bind:class="item.progressClass" x-bind:value="item.percent" x-bind:aria-label="item.progressLabel" x-show="item.sent" />
            <span class="upload-message" x-bind:class="item.messageClass" x-text="item.message" />
          </li>
        </template>
      </ul>
    </form>
  )
}
