import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Agency, Api, Responsibility, TrailEntry } from '../api';
import { formatDate } from '../format';
import { t } from '../i18n';
import type { Session } from '../session';
import { Trail } from './task';

/** The auditor's trail browser: an agency's tasks, open and closed, and each task's events. */
export function AuditPage({ api, session }: { api: Api; session: Session }) {
  const [agencies, setAgencies] = useState<Agency[]>([]);
  const [agency, setAgency] = useState(session.agencyCode);
  const [tasks, setTasks] = useState<readonly Responsibility[] | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);
  const [trail, setTrail] = useState<TrailEntry[]>([]);
  const [type, setType] = useState('');

  useEffect(() => void api.agencies().then(setAgencies), [api]);
  useEffect(() => {
    setTasks(null);
    void api.responsibilities(agency).then((page) => setTasks(page.items));
  }, [api, agency]);
  useEffect(() => {
    if (taskId) void api.trail(taskId).then(setTrail);
  }, [api, taskId]);

  const nameOf = (code: string) => agencies.find((a) => a.code === code)?.name ?? code;
  const types = useMemo(() => [...new Set(trail.map((entry) => entry.type))], [trail]);
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <label>
        {t('audit.agency')}
        <select id="audit-agency" value={agency} onChange={(e) => setAgency(e.currentTarget.value)}>
          {agencies.map((a) => (
            <option value={a.code}>{a.name}</option>
          ))}
        </select>
      </label>
      <div class="side-by-side">
        <div class="pane" role="region" aria-label={t('audit.tasks')} tabIndex={0}>
          {tasks === null ? (
            <p role="status">{t('common.loading')}</p>
          ) : tasks.length === 0 ? (
            <p class="empty">{t('audit.none')}</p>
          ) : (
            <ul class="plain">
              {tasks.map((task) => (
                <li>
                  <button
                    type="button"
                    class="link"
                    aria-pressed={task.taskId === taskId}
                    onClick={() => setTaskId(task.taskId)}
                  >
                    <span translate={false}>{task.title}</span>
                  </button>{' '}
                  <span class="muted">
                    {formatDate(task.dueDate)} · {t(`taskStatus.${task.taskStatus}`)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div class="pane" role="region" aria-label={t('trail.title')} tabIndex={0}>
          <label>
            {t('audit.eventType')}
            <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
              <option value="">{t('audit.allTypes')}</option>
              {types.map((name) => (
                <option value={name}>{t(`event.${name}`, { defaultValue: name })}</option>
              ))}
            </select>
          </label>
          {taskId ? (
            <Trail entries={trail.filter((e) => !type || e.type === type)} nameOf={nameOf} />
          ) : (
            <p class="muted">{t('audit.pickTask')}</p>
          )}
        </div>
      </div>
    </section>
  );
}
