import type { Feature } from '../platform/feature'
import { signupChartPanel, userFiguresPanel } from './admin-panels'
import { authRoutes } from './routes'

/**
 * The auth feature's public entry: what other features may use. Accounts, sessions and roles stay auth's;
 * the admin area acts on them only through these functions.
 */
export const authFeature: Feature = {
  name: 'auth',
  routes: authRoutes,
  adminPanels: [userFiguresPanel, signupChartPanel],
}

export { loadSession, requireAdmin, requireUser, requireVerified } from './guards'
export { auditActor, recordAuthAudit } from './audit'
export { reauthenticate } from './reauth'
export {
  changeUserRole, countSignupsByDay, deactivateUser, deleteUserByAdmin, getUserFigures, LastAdminError,
  reactivateUser, searchUsers, USERS_PAGE_SIZE, type UserListRow, type UserSearch, type UserSort,
} from './account-admin'
export { startImpersonation, stopImpersonation, type ImpersonationRefusal } from './impersonation'
export { getUserById } from './user'
export { listUserSessions, setSessionCookie, deleteSessionCookie, IMPERSONATION_MAX_MS } from './session'
export { sendVerificationEmail } from './routes/verify-email'
export { getPendingVerification } from './email-verification'
export { clientIp, readForm, redirectAfterPost } from './forms'
export { consumeBucket, throttleMessage } from './login-throttle'
export type { Role, User, SessionRow } from './schema'
