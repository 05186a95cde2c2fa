import { useEffect, useState } from 'preact/hooks';
import type { Agency, Api, Plan, PlanProgress, Task } from '../api';
import { formatDate, formatInstant } from '../format';
import { t } from '../i18n';
import { useAnswer } from '../use-answer';
import { PROGRESS_STATES as STATES, StateBar } from '../charts';

/** Accountability for now: per plan, each agency's tasks by state and what is overdue, as CSV too. */
export function InspectPage({ api }: { api: Api }) {
  const [plans, setPlans] = useState<Plan[]>([]);
  const [planId, setPlanId] = useState('');
  const [agencies, setAgencies] = useState<Agency[]>([]);

  useEffect(() => {
    void api.plans().then((list) => {
      setPlans(list);
      if (list[0]) setPlanId(list[0].planId);
    });
    void api.agencies().then(setAgencies);
  }, [api]);
  const progress = useAnswer<PlanProgress>(planId ? () => api.progress(planId) : null, [api, planId]);
  const tasks: Task[] = useAnswer(planId ? () => api.planTasks(planId) : null, [api, planId]) ?? [];

  const nameOf = (code: string) => agencies.find((a) => a.code === code)?.name ?? code;
  // Pending extension requests and submitted completions: the issuer's to decide.
  const awaiting = tasks.filter(
    (task) =>
      task.status === 'open' &&
      (task.extensions.some((e) => e.status === 'pending') ||
        task.assignees.some((a) => a.status === 'completion-submitted')),
  );
  const rows = [...(progress?.agencies ?? [])].sort(
    (a, b) => b.overdue - a.overdue || a.agencyCode.localeCompare(b.agencyCode),
  );
  const csvUrl = rows.length ? csvOf(rows.map((row) => ({ ...row, name: nameOf(row.agencyCode) }))) : '';
  useEffect(() => () => URL.revokeObjectURL(csvUrl), [csvUrl]);

  return (
    <section aria-labelledby="inspect-title">
      <h1 id="inspect-title">{t('inspect.title')}</h1>
      <label>
        {t('inspect.plan')}
        <select value={planId} onChange={(e) => setPlanId(e.currentTarget.value)}>
          {plans.map((plan) => (
            <option value={plan.planId}>{plan.title.slice(0, 120)}</option>
          ))}
        </select>
      </label>
      {progress && (
        <>
          <p class="muted">{t('inspect.asOf', { when: formatInstant(progress.asOf) })}</p>
          {csvUrl && (
            <a class="button" href={csvUrl} download="accountability.csv">
              {t('inspect.downloadCsv')}
            </a>
          )}
          <table class="tasks">
            <caption class="visually-hidden">{t('inspect.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('inspect.agency')}</th>
                <th scope="col">{t('inspect.total')}</th>
                <th scope="col">{t('inspect.overdue')}</th>
                <th scope="col">{t('inspect.dueSoon')}</th>
                <th scope="col">{t('inspect.byState')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr>
                  <th scope="row" translate={false}>
                    {nameOf(row.agencyCode)}
                  </th>
                  <td>{row.total}</td>
                  <td class={row.overdue ? 'danger-text' : ''}>{row.overdue}</td>
                  <td>{row.dueWithin7Days}</td>
                  <td>
                    <StateBar byState={row.byState} total={row.total} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t('decision.awaiting')}</h2>
          {awaiting.length === 0 ? (
            <p class="muted">{t('decision.none')}</p>
          ) : (
            <ul class="plain">
              {awaiting.map((task) => (
                <li>
                  <a href={`#/task/${task.taskId}`} translate={false}>
                    {task.title}
                  </a>{' '}
                  <span class="muted">{formatDate(task.dueDate)}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function csvOf(
  rows: {
    name: string;
    agencyCode: string;
    total: number;
    overdue: number;
    dueWithin7Days: number;
    byState: Readonly<Record<string, number>>;
  }[],
): string {
  const quote = (value: string | number) => `"${String(value).replace(/"/g, '""')}"`;
  const header = ['agency', 'code', 'total', 'overdue', 'dueWithin7Days', ...STATES];
  const lines = rows.map((row) =>
    [
      row.name,
      row.agencyCode,
      row.total,
      row.overdue,
      row.dueWithin7Days,
      ...STATES.map((s) => row.byState[s] ?? 0),
    ]
      .map(quote)
      .join(','),
  );
  // A byte-order mark, so that spreadsheet programs read the Vietnamese as UTF-8.
  return URL.createObjectURL(
    new Blob(['\uFEFF' + [header.join(','), ...lines].join('\r\n')], { type: 'text/csv;charset=utf-8' }),
  );
}
