import { Hono } from 'hono'
import { requireVerified } from '../auth'
import { renderError } from '../platform/errors'
import { setFlash } from '../platform/flash'
import type { AppContext, AppEnv } from '../platform/types'
import { FILE_FORM_MAX_BYTES, throttleFileWrites } from './guards'
import { formBodyLimit, readForm } from '../platform/forms'
import { validateName } from './names'
import { finishDeletion } from './deletion'
import { MAX_PROJECTS, createProject, deleteProjectWithFiles, getProject, renameProject } from './service'
import { DeleteProjectPage } from './views/projects'

const MAX_PROJECT_NAME = 100

function projectName(raw: unknown): { ok: true; name: string } | { ok: false; message: string } {
  const named = validateName(raw, 'Project name')
  if (named.ok && [...named.name].length > MAX_PROJECT_NAME) return { ok: false, message: `Project name must be at most ${MAX_PROJECT_NAME} characters.` }
  return named
}

const projectNotFound = (c: AppContext) => renderError(c, { status: 404, title: 'Project not found', message: 'This project does not exist, or it is not yours.' })

// Project forms are plain POST + redirect (they work without JavaScript); errors are a 4xx page.
export const projectRoutes = new Hono<AppEnv>()
  .post('/files/projects', formBodyLimit({ maxSize: FILE_FORM_MAX_BYTES }), requireVerified, throttleFileWrites, async (c) => {
    const body = await readForm(c)
    const named = projectName(body.name)
    if (!named.ok) return renderError(c, { status: 422, title: 'Project not created', message: named.message })
    const description = typeof body.description === 'string' ? body.description.slice(0, 500) : ''
    const project = await createProject(c.get('db'), c.get('user')!.id, named.name, description)
    if (project === 'taken') return renderError(c, { status: 409, title: 'Project not created', message: `You already have a project called “${named.name}”.` })
    if (project === 'too-many') return renderError(c, { status: 409, title: 'Project not created', message: `You already have ${MAX_PROJECTS} projects, the most an account can have. Delete one first.` })
    setFlash(c, 'success', `Project “${project.name}” created.`)
    return c.redirect(`/files?project=${project.id}`, 303)
  })
  .post('/files/projects/:id/rename', formBodyLimit({ maxSize: FILE_FORM_MAX_BYTES }), requireVerified, throttleFileWrites, async (c) => {
    const body = await readForm(c)
    const named = projectName(body.name)
    if (!named.ok) return renderError(c, { status: 422, title: 'Project not renamed', message: named.message })
    const outcome = await renameProject(c.get('db'), c.get('user')!.id, c.req.param('id'), named.name)
    if (outcome === 'not_found') return projectNotFound(c)
    if (outcome === 'taken') return renderError(c, { status: 409, title: 'Project not renamed', message: `You already have a project called “${named.name}”.` })
    setFlash(c, 'success', `Project renamed to “${named.name}”.`)
    return c.redirect('/files', 303)
  })
  .get('/files/projects/:id/delete', requireVerified, async (c) => {
    const project = await getProject(c.get('db'), c.get('user')!.id, c.req.param('id'))
    if (!project) return projectNotFound(c)
    return c.render(<DeleteProjectPage project={project} />, { title: 'Delete project' })
  })
  .post('/files/projects/:id/delete', formBodyLimit({ maxSize: FILE_FORM_MAX_BYTES }), requireVerified, throttleFileWrites, async (c) => {
    const user = c.get('user')!
    const now = new Date()
    const removed = await deleteProjectWithFiles(c.get('db'), user.id, c.req.param('id'), now)
    if (removed === null) return projectNotFound(c)
    await finishDeletion({ db: c.get('db'), env: c.env, now }, user.id, removed)
    setFlash(c, 'success', removed.length === 0 ? 'Project deleted.' : `Project deleted with its ${removed.length === 1 ? 'file' : `${removed.length} files`}.`)
    return c.redirect('/files', 303)
  })
