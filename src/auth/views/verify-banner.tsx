import type { Banner } from '../../platform/feature'

// On every page while the address is unverified (issue 4): the account works, but paid and file
// features stay locked until it is confirmed.
export const verifyEmailBanner: Banner = {
  id: 'verify-email',
  render: (c, viewer) => {
    if (viewer === null || viewer.emailVerified || c.req.path === '/verify-email') return null
    return (
      <div class="container flash-container">
        <div class="notification is-warning is-light verify-banner" role="status">
          Please verify your email address <strong>{viewer.email}</strong>: we sent you a code and a link.{' '}
          <a href="/verify-email">Enter the code or get a new one</a>.
        </div>
      </div>
    )
  },
}
