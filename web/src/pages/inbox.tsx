import { Component } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { OUTSTANDING_STATES, type Api, type OutstandingTask } from '../api';
import { formatDate, nfc } from '../format';
import { language, t } from '../i18n';
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

/** The words of a row, looked up once per language rather than once per row. */
function rowLabels() {
  return {
    state: Object.fromEntries(OUTSTANDING_STATES.map((state) => [state, t(`state.${state}`)])) as Record<
      OutstandingTask['state'],
      string
    >,
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
}
type RowLabels = ReturnType<typeof rowLabels>;

interface RowProps {
  task: OutstandingTask;
  labels: RowLabels;
  busy: boolean;
  onAcknowledge: (task: OutstandingTask) => void;
}

/**
 * One task of the inbox. A filter, a keystroke in the search, the live status or an
 * acknowledgement in flight re-renders the page; a row whose props did not change is skipped
 * rather than compared cell by cell, a thousand times. (A class with shouldComponentUpdate is
 * Preact's own memo: preact/compat's would bring React's compatibility layer into every render.)
 */
class InboxRow extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    const now = this.props;
    return (
      next.task !== now.task ||
      next.labels !== now.labels ||
      next.busy !== now.busy ||
      next.onAcknowledge !== now.onAcknowledge
    );
  }

  override render({ task, labels, busy, onAcknowledge }: RowProps) {
    const href = `#/task/${task.taskId}`;
    return (
      <tr role="row" data-task={task.taskId} data-state={task.state}>
        <td role="cell">
          <a href={href} translate={false}>
            {task.title}
          </a>
        </td>
        <td role="cell">{labels.role[task.role]}</td>
        <td role="cell">
          {formatDate(task.dueDate)}
          {task.overdue && <span class="badge danger">{labels.overdue}</span>}
          {task.dueWithin7Days && <span class="badge warn">{labels.dueSoon}</span>}
        </td>
        <td role="cell">{labels.state[task.state]}</td>
        <td role="cell">
          {task.state === 'not-acknowledged' ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => onAcknowledge(task)}
              aria-label={`${labels.acknowledge}: ${task.title}`}
            >
              {labels.acknowledge}
            </button>
          ) : (
            <a href={href} aria-label={`${labels.open}: ${task.title}`}>
              {labels.open}
            </a>
          )}
        </td>
      </tr>
    );
  }
}

/** The officer's inbox: what the agency owes, live. */
export function InboxPage({ api, session }: { api: Api; session: Session }) {
  const [tasks, setTasks] = useState<OutstandingTask[] | null>(null);
  const [error, setError] = useState(false);
  const [filter, setFilter] = useState<InboxFilter>('all');
  const [search, setSearch] = useState('');
  const [busy, setBusy] = useState<string | null>(null);

  const show = async (read: Promise<OutstandingTask[]>) => {
    try {
      setTasks(await read);
      setError(false);
    } catch {
      setError(true);
    }
  };
  const reload = (minPosition?: string | null) => show(api.outstanding(session.agencyCode, minPosition));
  // The first read starts with the first render, not once it is painted (when Preact runs
  // effects): on a first visit the inbox is what the officer waits for.
  const firstRead = useMemo(() => api.outstanding(session.agencyCode), [api, session.agencyCode]);
  useEffect(() => {
    void show(firstRead);
  }, [firstRead]);
  const live = useAgencyFeed(api, session.agencyCode, (position) => void reload(position));

  // Derived once per answer of the API, not on each render.
  const searchable = useMemo(() => (tasks ?? []).map((task) => folded(task.title)), [tasks]);
  const counts = useMemo(
    () =>
      Object.fromEntries(
        INBOX_FILTERS.map((name) => [name, (tasks ?? []).filter(matches[name]).length]),
      ) as Record<InboxFilter, number>,
    [tasks],
  );
  const shown = useMemo(() => {
    const needle = folded(nfc(search.trim()));
    return (tasks ?? []).filter(
      (task, i) => matches[filter](task) && (!needle || searchable[i]!.includes(needle)),
    );
  }, [tasks, searchable, filter, search]);

  // Stable across renders, so the memoised rows stay skipped; it reads the latest reload.
  const latestReload = useRef(reload);
  latestReload.current = reload;
  const acknowledge = useCallback(
    async (task: OutstandingTask) => {
      setBusy(task.taskId);
      try {
        const result = await api.acknowledge(task.taskId);
        await latestReload.current(result.position);
      } catch {
        setError(true);
      } finally {
        setBusy(null);
      }
    },
    [api],
  );
  const onAcknowledge = useCallback((task: OutstandingTask) => void acknowledge(task), [acknowledge]);

  const lang = language();
  const labels = useMemo(rowLabels, [lang]);
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
            {t(`inbox.filter.${name}`)} ({counts[name]})
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
        // A grid of rows rather than a laid-out table (styles.css, .inbox): the roles keep it a
        // table for assistive technology, which some browsers drop when a table's display changes.
        <table class="tasks inbox" data-testid="inbox" role="table">
          <caption class="visually-hidden">{t('inbox.caption', { count: shown.length })}</caption>
          <thead role="rowgroup">
            <tr role="row">
              <th scope="col" role="columnheader">
                {t('task.title')}
              </th>
              <th scope="col" role="columnheader">
                {t('task.role')}
              </th>
              <th scope="col" role="columnheader">
                {t('task.dueDate')}
              </th>
              <th scope="col" role="columnheader">
                {t('task.state')}
              </th>
              <th scope="col" role="columnheader">
                {t('common.actions')}
              </th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {shown.map((task) => (
              <InboxRow
                key={task.taskId}
                task={task}
                labels={labels}
                busy={busy === task.taskId}
                onAcknowledge={onAcknowledge}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
