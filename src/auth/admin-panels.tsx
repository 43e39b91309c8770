import type { AdminPanel } from '../platform/feature'
import { BarChart } from '../platform/chart'
import { countSignupsByDay, getUserFigures } from './account-admin'

// Auth's figures on the admin overview (issue 13): admin composes panels and never reads auth's tables.
function Figure({ label, value }: { label: string; value: number }) {
  return (
    <div class="column is-half-mobile">
      <p class="heading">{label}</p>
      <p class="title is-4">{value}</p>
    </div>
  )
}

export const userFiguresPanel: AdminPanel<Awaited<ReturnType<typeof getUserFigures>>> = {
  id: 'users',
  title: 'Users',
  order: 10,
  load: (db) => getUserFigures(db, new Date()),
  render: (f) => (
    <div class="columns is-mobile is-multiline">
      <Figure label="Total" value={f.total} />
      <Figure label="Verified" value={f.verified} />
      <Figure label="New this week" value={f.newThisWeek} />
      <Figure label="Deactivated" value={f.deactivated} />
    </div>
  ),
}

export const signupChartPanel: AdminPanel<Awaited<ReturnType<typeof countSignupsByDay>>> = {
  id: 'signups',
  title: 'Sign-ups, last 30 days',
  order: 11,
  load: (db) => countSignupsByDay(db, new Date(), 30),
  render: (days) => <BarChart id="signup-chart" label="Sign-ups in the last 30 days" points={days.map((d) => ({ label: d.day, value: d.count }))} />,
}
