import type { FileProject } from '../schema'
import { MAX_PROJECTS } from '../service'

/**
 * Projects: create, rename, delete. Deleting a project deletes its files too, so it goes through a
 * confirmation page that says how many (GET /files/projects/:id/delete), never a single click.
 */
export function ProjectsPanel({ projects, error }: { projects: Pick<FileProject, 'id' | 'name'>[]; error?: string }) {
  return (
    <details class="box projects-panel" id="projects-panel">
      <summary class="has-text-weight-semibold">Projects ({projects.length})</summary>
      <ul class="mt-3">
        {projects.map((p) => (
          <li class="project-item mb-2">
            <form method="post" action={`/files/projects/${p.id}/rename`} class="field has-addons is-inline-flex">
              <div class="control"><label class="is-sr-only" for={`project-name-${p.id}`}>Name of project {p.name}</label>
                <input id={`project-name-${p.id}`} class="input is-small" name="name" value={p.name} required maxlength={100} /></div>
              <div class="control"><button class="button is-small" type="submit">Rename</button></div>
            </form>
            {' '}<a class="button is-small is-danger is-outlined" href={`/files/projects/${p.id}/delete`}>Delete<span class="is-sr-only"> project {p.name}</span></a>
          </li>
        ))}
      </ul>
      <form method="post" action="/files/projects" class="mt-3">
        <label class="label is-small" for="new-project-name">New project <span class="has-text-weight-normal">(at most {MAX_PROJECTS})</span></label>
        <div class="field has-addons">
          <div class="control"><input id="new-project-name" class="input is-small" name="name" required maxlength={100} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'new-project-error' : undefined} /></div>
          <div class="control"><button class="button is-small is-primary" type="submit">Create project</button></div>
        </div>
        {error && <p class="help is-danger" id="new-project-error">{error}</p>}
      </form>
    </details>
  )
}

export function DeleteProjectPage({ project }: { project: FileProject & { fileCount: number } }) {
  return (
    <section class="section">
      <div class="container content">
        <h1 class="title">Delete project “{project.name}”?</h1>
        <p>
          {project.fileCount === 0 ? 'The project is empty.' : `Its ${project.fileCount === 1 ? 'file' : `${project.fileCount} files`} will be deleted too, and the space they use freed.`}{' '}
          This cannot be undone.
        </p>
        <form method="post" action={`/files/projects/${project.id}/delete`}>
          <div class="buttons">
            <button class="button is-danger" type="submit">Delete project{project.fileCount > 0 ? ' and its files' : ''}</button>
            <a class="button is-light" href="/files">Cancel</a>
          </div>
        </form>
      </div>
    </section>
  )
}
