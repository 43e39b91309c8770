import { METRICS, METRIC_LABEL, type Metric } from '../metrics'
import type { AdjustmentRow, DayFigure, UsageSummary } from '../summary'
import { Person } from '../../platform/admin-ui'
import { QuotaBar, UsageChart } from './chart'
import { formatDay, formatDateTime } from '../../platform/format'

const CHART_LABEL: Record<Metric, string> = {
  api_requests: 'API requests per day',
  uploads: 'Uploads per day',
  storage_bytes: 'Storage used',
  file_count: 'Files kept',
}

// Counters first: they are what runs out within a period.
const ORDER: Metric[] = ['api_requests', 'uploads', 'storage_bytes', 'file_count']

export function UsagePage({ summary, daily }: { summary: UsageSummary; daily: Record<Metric, DayFigure[]> }) {
  const near = [...ORDER.map((m) => summary.meters[m]), ...summary.featureMeters.map((f) => f.figure)].filter((figure) => (figure.percent ?? 0) >= 80)
  return (
    <section class="section">
      <div class="container">
        <h1 class="title">Usage</h1>
        <p class="subtitle">
          {summary.planName} plan · this period {formatDay(summary.periodStart)} to {formatDay(summary.periodEnd)} (UTC). Counters start again at the next period; storage and files stay.
        </p>
        {near.length > 0 && (
          <div class="notification is-warning is-light" role="status">
            You are close to or at a limit of your plan. <a href="/pricing">See the plans</a> for more.
          </div>
        )}
        <section class="box" aria-labelledby="quotas-title">
          <h2 class="title is-5" id="quotas-title">Quotas</h2>
          {ORDER.map((m) => <QuotaBar id={`quota-${m}`} metric={m} label={METRIC_LABEL[m]} figure={summary.meters[m]} />)}
          {summary.featureMeters.map((f) => <QuotaBar id={`quota-${f.metric}`} metric={f.metric} label={f.label} figure={f.figure} />)}
          <p class="is-size-7 has-text-grey-dark">
            {summary.updatedAt ? `Figures as of ${summary.updatedAt.toISOString().slice(11, 19)} UTC; they catch up within seconds.` : 'Nothing used yet this period.'}
            {' '}Programs can read these figures too: <a href="/settings/api-keys">API keys</a>.
          </p>
        </section>
        <section class="box" aria-labelledby="history-title">
          <h2 class="title is-5" id="history-title">Last 30 days</h2>
          <div class="columns is-multiline">
            {ORDER.map((m) => (
              <div class="column is-half-desktop is-full-tablet">
                <h3 class="title is-6">{CHART_LABEL[m]}</h3>
                <UsageChart id={`chart-${m}`} metric={m} label={CHART_LABEL[m]} days={daily[m]} />
              </div>
            ))}
          </div>
        </section>
      </div>
    </section>
  )
}

/** The dashboard card: the four bars, small, and the way to the full page. */
export function UsageCard({ summary }: { summary: UsageSummary }) {
  return (
    <>
      {ORDER.map((m) => <QuotaBar id={`card-${m}`} metric={m} label={METRIC_LABEL[m]} figure={summary.meters[m]} compact />)}
      <p class="mt-3"><a href="/usage">Open usage</a> · <a href="/settings/api-keys">API keys</a></p>
    </>
  )
}

/** Admin user page: the figures, the adjustment history, and the two admin actions. */
export function AdminUsageSection({ userId, summary, adjustments }: { userId: string; summary: UsageSummary; adjustments: AdjustmentRow[] }) {
  return (
    <div>
      <p class="mb-3">{summary.planName} plan · period {formatDay(summary.periodStart)} to {formatDay(summary.periodEnd)}</p>
      {ORDER.map((m) => <QuotaBar id={`admin-${m}`} metric={m} label={METRIC_LABEL[m]} figure={summary.meters[m]} compact />)}
      <form method="post" action={`/admin/usage/${userId}/adjust`} class="mt-4">
        <div class="field is-grouped is-grouped-multiline">
          <div class="control">
            <label class="label is-small" for={`adjust-metric-${userId}`}>Meter</label>
            <div class="select is-small">
              <select id={`adjust-metric-${userId}`} name="metric">{METRICS.map((m) => <option value={m}>{METRIC_LABEL[m]}</option>)}</select>
            </div>
          </div>
          <div class="control">
            <label class="label is-small" for={`adjust-value-${userId}`}>New value</label>
            <input id={`adjust-value-${userId}`} class="input is-small" name="value" type="number" min="0" step="1" required inputmode="numeric" />
          </div>
          <div class="control is-expanded">
            <label class="label is-small" for={`adjust-reason-${userId}`}>Reason</label>
            <input id={`adjust-reason-${userId}`} class="input is-small" name="reason" type="text" maxlength={200} required />
          </div>
        </div>
        <button class="button is-small is-warning is-light" type="submit">Set meter</button>
      </form>
      <form method="post" action={`/admin/usage/${userId}/reset`} class="mt-3">
        <input type="hidden" name="reason" value="reset by admin" />
        <button class="button is-small is-danger is-light" type="submit">Reset this period's counters</button>
      </form>
      {adjustments.length > 0 && (
        <div class="table-container mt-4">
          <table class="table is-narrow is-fullwidth">
            <caption class="has-text-left has-text-weight-semibold">Adjustments</caption>
            <thead><tr><th scope="col">When (UTC)</th><th scope="col">Meter</th><th scope="col">From → to</th><th scope="col">By</th><th scope="col">Reason</th></tr></thead>
            <tbody>
              {adjustments.map((a) => (
                <tr>
                  <td>{formatDateTime(a.createdAt)}</td>
                  <td>{a.metric}</td>
                  <td>{a.before} → {a.after}</td>
                  <td>{a.actor ? <Person person={a.actor} /> : 'system'}</td>
                  <td>{a.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
