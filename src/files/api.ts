import { Hono } from 'hono'
import type { z } from 'zod'
import type { AppEnv } from '../platform/types'
import { apiError, meter, methodNotAllowed, requireApiKey, validateRequest } from '../usage'
import { parseBrowserQuery } from './format'
import { PAGE_SIZE, getFile, listFilesPage } from './service'
import type { FileRow } from './schema'
import { getFileOperation, listFilesOperation, type fileListResponse, type fileResponse, type fileSchema } from './api-schemas'

// The answer's shape is api-schemas.ts's (the OpenAPI document's): `satisfies` keeps the two one.
function fileJson(f: FileRow): z.infer<typeof fileSchema> {
  return {
    id: f.id, name: f.name, size: f.size, contentType: f.contentType, sha256: f.sha256, projectId: f.projectId,
    width: f.width, height: f.height, thumbnail: f.thumbnailState, createdAt: f.createdAt.toISOString(), updatedAt: f.updatedAt.toISOString(),
  }
}

const meterRequest = meter('api_requests')

/**
 * The files JSON API (docs/files.md): a bearer key (usage's requireApiKey), one `api_requests` counted per
 * call (usage's meter), and only the key owner's files. Downloads stay on the cookie routes. Described in
 * api-schemas.ts (fileApiOperations), from which /api/v1/openapi.json is built.
 */
export const fileApiRoutes = new Hono<AppEnv>()
  .get(listFilesOperation.path, requireApiKey, validateRequest(listFilesOperation), meterRequest, async (c) => {
    const query = parseBrowserQuery(c.req.query())
    const page = await listFilesPage(c.get('db'), c.get('apiCaller')!.userId, query)
    c.header('Cache-Control', 'no-store')
    return c.json({
      files: page.files.map(fileJson),
      projects: page.projects,
      page: query.page, pageSize: PAGE_SIZE, total: page.total,
    } satisfies z.infer<typeof fileListResponse>)
  })
  .get(getFileOperation.path, requireApiKey, validateRequest(getFileOperation), meterRequest, async (c) => {
    const file = await getFile(c.get('db'), c.get('apiCaller')!.userId, c.req.param('id'))
    c.header('Cache-Control', 'no-store')
    if (!file) return apiError(c, 404, 'not_found', 'No such file.')
    return c.json({ file: fileJson(file) } satisfies z.infer<typeof fileResponse>)
  })
  .all(listFilesOperation.path, methodNotAllowed(['GET']))
  .all(getFileOperation.path, methodNotAllowed(['GET']))
