import { useEffect, useMemo, useState } from 'preact/hooks';
import { OUTSTANDING_STATES, type Api, type OutstandingTask } from '../api';
import { formatDate, nfc } from '../format';
import { t } from '../i18n';
import type { Session } from '../session';
import { useAgencyFeed } from '../live';

export const INBOX_FILTERS = [
  'all',
  'overdue',
  'dueSoon',
  'awaitingAck',
  'handoffsOffered',
  'returned',
] as const;
export type InboxFilter = (typeof INBOX_FILTERS)[number];

const matches: Record<InboxFilter, (task: OutstandingTask) => boolean> = {
  all: () => true,
  overdue: (task) => task.overdue,
  dueSoon: (task) => task.dueWithin7Days,
  awaitingAck: (task) => task.state === 'not-acknowledged',
  handoffsOffered: (task) => task.state === 'handoff-offered',
  returned: (task) => task.state === 'completion-returned',
};

/** Case- and diacritic-blind search ("so y te" finds "Sở Y tế"). */
const folded = (text: string) =>
  text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();

/** The officer's inbox: what the agency owes, live. */
export function InboxPage({ api, session }: { api: Api; session: Session }) {
  const [tasks, setTasks] = useState<OutstandingTask[] | null>(null);
  const [error, setError] = useState(false);
  const [filter, setFilter] = useState<InboxFilter>('all');
  const [search, setSearch] = useState('');
  const [busy, setBusy] = useState<string | null>(null);

  const reload = async (minPosition?: string | null) => {
    try {
      setTasks(await api.outstanding(session.agencyCode, minPosition));
      setError(false);
    } catch {
      setError(true);
    }
  };
  useEffect(() => {
    void reload();
  }, [api, session.agencyCode]);
  const live = useAgencyFeed(api, session.agencyCode, (position) => void reload(position));

  const searchable = useMemo(() => (tasks ?? []).map((task) => folded(task.title)), [tasks]);
  const shown = useMemo(() => {
    const needle = folded(nfc(search.trim()));
    return (tasks ?? []).filter(
      (task, i) => matches[filter](task) && (!needle || searchable[i]!.includes(needle)),
    );
  }, [tasks, searchable, filter, search]);

  const acknowledge = async (task: OutstandingTask) => {
    setBusy(task.taskId);
    try {
      const result = await api.acknowledge(task.taskId);
      await reload(result.position);
    } catch {
      setError(true);
    } finally {
      setBusy(null);
    }
  };

  // Each label once per render, not once per row: an inbox may list a thousand tasks.
  const label = {
    state: Object.fromEntries(OUTSTANDING_STATES.map((state) => [state, t(`state.${state}`)])),
    role: {
      lead: t('assigneeRole.lead'),
      support: t('assigneeRole.support'),
      requested: t('assigneeRole.requested'),
    },
    overdue: t('inbox.badge.overdue'),
    dueSoon: t('inbox.badge.dueSoon'),
    acknowledge: t('action.acknowledge'),
    open: t('action.open'),
  };
  return (
    <section aria-labelledby="inbox-title">
      <div class="heading">
        <h1 id="inbox-title">{t('inbox.title')}</h1>
        <span class={live ? 'live on' : 'live'} role="status" data-testid="live">
          {live ? t('live.on') : t('live.off')}
        </span>
      </div>
      <p class="muted">
        {t('inbox.intro')} <span translate={false}>{session.agencyName}</span>
      </p>
      <div class="filters" role="group" aria-label={t('inbox.filterLabel')}>
        {INBOX_FILTERS.map((name) => (
          <button
            type="button"
            class="chip"
            aria-pressed={filter === name}
            onClick={() => setFilter(name)}
            data-filter={name}
          >
            {t(`inbox.filter.${name}`)} ({(tasks ?? []).filter(matches[name]).length})
          </button>
        ))}
      </div>
      <label class="search">
        <span>{t('inbox.search')}</span>
        <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
      </label>
      {error && (
        <p role="alert" class="error">
          {t('common.error')}
        </p>
      )}
      {tasks === null ? (
        <p role="status">{t('common.loading')}</p>
      ) : shown.length === 0 ? (
        <p class="empty">{t('inbox.empty')}</p>
      ) : (
        <table class="tasks" data-testid="inbox">
          <caption class="visually-hidden">{t('inbox.caption', { count: shown.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('task.title')}</th>
              <th scope="col">{t('task.role')}</th>
              <th scope="col">{t('task.dueDate')}</th>
              <th scope="col">{t('task.state')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((task) => (
              <tr key={task.taskId} data-task={task.taskId} data-state={task.state}>
                <td>
                  <a href={`#/task/${task.taskId}`} translate={false}>
                    {task.title}
                  </a>
                </td>
                <td>{label.role[task.role]}</td>
                <td>
                  {formatDate(task.dueDate)}
                  {task.overdue && <span class="badge danger">{label.overdue}</span>}
                  {task.dueWithin7Days && <span class="badge warn">{label.dueSoon}</span>}
                </td>
                <td>{label.state[task.state]}</td>
                <td>
                  {task.state === 'not-acknowledged' && (
                    <button
                      type="button"
                      disabled={busy === task.taskId}
                      onClick={() => void acknowledge(task)}
                      aria-label={`${label.acknowledge}: ${task.title}`}
                    >
                      {label.acknowledge}
                    </button>
                  )}
                  {task.state !== 'not-acknowledged' && (
                    <a href={`#/task/${task.taskId}`} aria-label={`${label.open}: ${task.title}`}>
                      {label.open}
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
