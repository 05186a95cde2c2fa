import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  ApiError,
  type Agency,
  type Api,
  type LedgerCheckpoint,
  type PastInstant,
  type Responsibility,
  type Task,
  type TrailEntry,
} from '../api';
import { formatDate, formatInstant } from '../format';
import { t } from '../i18n';
import { useAnswer } from '../use-answer';
import { checkNoteSignature, verifyEvent, type EventVerdict } from '../ledger-proof';
import type { Session } from '../session';
import { Trail } from './task';

/**
 * The auditor's page: an agency's tasks, open and closed; a task's timeline, with an "as of"
 * slider on either time axis (record time, business time: docs/adr/0020-two-time-axes.md); and,
 * for national auditors, the ledger's newest signed checkpoint and the inclusion of one event,
 * both checked in this browser.
 */
export function AuditPage({
  api,
  session,
  taskId,
}: {
  api: Api;
  session: Session;
  taskId?: string | undefined;
}) {
  const [agencies, setAgencies] = useState<Agency[]>([]);
  const [agency, setAgency] = useState(session.agencyCode);

  useEffect(() => void api.agencies().then(setAgencies), [api]);
  const known = agencies.some((a) => a.code === agency);
  // A national auditor has no agency of its own: it picks one.
  // Read from the state as it is when the effect runs: an agency picked before it ran must stand.
  useEffect(() => {
    const first = agencies[0];
    if (!known && first)
      setAgency((current) => (agencies.some((a) => a.code === current) ? current : first.code));
  }, [known, agencies]);
  const tasks: readonly Responsibility[] | null =
    useAnswer(known ? () => api.responsibilities(agency) : null, [api, agency, known]) ?? null;

  const nameOf = (code: string) => agencies.find((a) => a.code === code)?.name ?? code;
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      {session.national && <LedgerStatus api={api} />}
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
            <ul class="plain" data-testid="audit-tasks">
              {tasks.map((task) => (
                <li>
                  <a
                    href={`#/audit/${task.taskId}`}
                    aria-current={task.taskId === taskId ? 'true' : undefined}
                    translate={false}
                  >
                    {task.title}
                  </a>{' '}
                  <span class="muted">
                    {formatDate(task.dueDate)} · {t(`taskStatus.${task.taskStatus}`)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div class="pane" role="region" aria-label={t('trail.title')} tabIndex={0}>
          {taskId ? (
            <Timeline api={api} taskId={taskId} nameOf={nameOf} ledger={session.national === true} />
          ) : (
            <p class="muted">{t('audit.pickTask')}</p>
          )}
        </div>
      </div>
    </section>
  );
}

type Loaded<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'none' } | { state: 'error' };

/** The newest signed checkpoint, its Ed25519 signature checked here against the log's keys. */
function LedgerStatus({ api }: { api: Api }) {
  const [status, setStatus] = useState<Loaded<{ checkpoint: LedgerCheckpoint; signature: string }>>({
    state: 'loading',
  });
  useEffect(() => {
    void (async () => {
      try {
        const [checkpoint, keys] = await Promise.all([api.ledgerCheckpoint(), api.ledgerKeys()]);
        const signature = await checkNoteSignature(checkpoint.note, keys);
        setStatus({ state: 'ok', value: { checkpoint, signature } });
      } catch (error) {
        setStatus({ state: error instanceof ApiError && error.status === 404 ? 'none' : 'error' });
      }
    })();
  }, [api]);
  return (
    <section class="card" aria-labelledby="ledger-title" data-testid="ledger-status">
      <h2 id="ledger-title">{t('ledger.title')}</h2>
      {status.state === 'loading' ? (
        <p role="status">{t('common.loading')}</p>
      ) : status.state === 'none' ? (
        <p class="muted">{t('ledger.noCheckpoint')}</p>
      ) : status.state === 'error' ? (
        <p class="error">{t('common.error')}</p>
      ) : (
        <dl class="facts">
          <dt>{t('ledger.treeSize')}</dt>
          <dd data-testid="tree-size">{status.value.checkpoint.treeSize}</dd>
          <dt>{t('ledger.signedAt')}</dt>
          <dd>{formatInstant(status.value.checkpoint.createdAt)}</dd>
          <dt>{t('ledger.root')}</dt>
          <dd class="hash" translate={false}>
            {status.value.checkpoint.root}
          </dd>
          <dt>{t('ledger.signature')}</dt>
          <dd class={status.value.signature === 'valid' ? 'ok' : 'error'} data-testid="signature">
            {t(`ledger.signatureState.${status.value.signature}`)}
          </dd>
        </dl>
      )}
    </section>
  );
}

interface Moment {
  readonly instant: PastInstant;
  readonly entry: TrailEntry;
}

/** The instants of a task's events on one axis, oldest first: the stops of the "as of" slider. */
function momentsOf(trail: readonly TrailEntry[], axis: PastInstant['axis']): Moment[] {
  const time = (entry: TrailEntry) => (axis === 'knownAt' ? entry.recordedAt : entry.occurredAt);
  return [...trail]
    .sort((a, b) => Date.parse(time(a)) - Date.parse(time(b)))
    .map((entry) => ({
      // One millisecond on: the store keeps microseconds, the query reads milliseconds.
      instant: { axis, at: new Date(Date.parse(time(entry)) + 1).toISOString() },
      entry,
    }));
}

/** A task then and now: the slider's last stop is now; every other stop is just after one event. */
function Timeline({
  api,
  taskId,
  nameOf,
  ledger,
}: {
  api: Api;
  taskId: string;
  nameOf: (code: string) => string;
  ledger: boolean;
}) {
  const [now, setNow] = useState<{ task: Task; trail: TrailEntry[] } | null>(null);
  const [axis, setAxis] = useState<PastInstant['axis']>('knownAt');
  const [stop, setStop] = useState<number | null>(null);
  const [past, setPast] = useState<{ task: Task; trail: TrailEntry[]; key: string } | null>(null);
  const [type, setType] = useState('');

  useEffect(() => {
    setNow(null);
    setStop(null);
    setPast(null);
    void Promise.all([api.task(taskId), api.trail(taskId)]).then(([task, trail]) => setNow({ task, trail }));
  }, [api, taskId]);

  const moments = useMemo(() => momentsOf(now?.trail ?? [], axis), [now, axis]);
  const last = moments.length;
  const at = stop === null || stop >= last ? null : moments[stop];
  const key = at ? `${at.instant.axis}=${at.instant.at}` : '';
  useEffect(() => {
    if (!at) return setPast(null);
    let current = true;
    void api.taskAt(taskId, at.instant).then((found) => current && setPast({ ...found, key }));
    return () => {
      current = false;
    };
  }, [api, taskId, key]);

  if (!now) return <p role="status">{t('common.loading')}</p>;
  const shown = at ? (past?.key === key ? past : null) : now;
  const types = [...new Set(now.trail.map((entry) => entry.type))];
  const label = at ? formatInstant(at.instant.at) : t('timeline.now');
  return (
    <div class="timeline" data-testid="timeline">
      <h2 translate={false}>{now.task.title}</h2>
      <fieldset class="row">
        <legend>{t('timeline.axis')}</legend>
        {(['knownAt', 'validAt'] as const).map((name) => (
          <label>
            <input
              type="radio"
              name="axis"
              value={name}
              checked={axis === name}
              onChange={() => {
                setAxis(name);
                setStop(null);
              }}
            />
            {t(`timeline.${name}`)}
          </label>
        ))}
      </fieldset>
      <label class="slider">
        {t('timeline.asOf', { when: label })}
        <input
          type="range"
          id="as-of"
          min={0}
          max={last}
          step={1}
          value={stop ?? last}
          aria-valuetext={label}
          onInput={(e) => setStop(Number(e.currentTarget.value))}
        />
      </label>
      <p class="muted">{t(`timeline.meaning.${axis}`)}</p>
      {!shown ? (
        <p role="status">{t('common.loading')}</p>
      ) : (
        <div data-testid="as-of-state" data-at={at ? at.instant.at : 'now'} aria-live="polite">
          <dl class="facts">
            <dt>{t('task.dueDate')}</dt>
            <dd>{formatDate(shown.task.dueDate)}</dd>
            <dt>{t('task.status')}</dt>
            <dd>{t(`taskStatus.${shown.task.status}`)}</dd>
            <dt>{t('task.assignees')}</dt>
            <dd>
              {shown.task.assignees.map((a) => (
                <span class="assignee" data-agency={a.agencyCode} data-status={a.status}>
                  <span translate={false}>{nameOf(a.agencyCode)}</span> ({t(`assigneeRole.${a.role}`)},{' '}
                  {t(`assigneeStatus.${a.status}`)})
                </span>
              ))}
            </dd>
          </dl>
          <label>
            {t('audit.eventType')}
            <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
              <option value="">{t('audit.allTypes')}</option>
              {types.map((name) => (
                <option value={name}>{t(`event.${name}`, { defaultValue: name })}</option>
              ))}
            </select>
          </label>
          <Trail
            entries={shown.trail.filter((e) => !type || e.type === type)}
            nameOf={nameOf}
            extra={ledger ? (entry) => <VerifyInclusion api={api} eventId={entry.eventId} /> : undefined}
          />
        </div>
      )}
    </div>
  );
}

/** Verifies one event's inclusion in the signed ledger, in this browser, on request. */
function VerifyInclusion({ api, eventId }: { api: Api; eventId: string }) {
  const [verdict, setVerdict] = useState<EventVerdict | 'checking' | 'error' | null>(null);
  const verify = async () => {
    setVerdict('checking');
    try {
      setVerdict(await verifyEvent(await api.ledgerEvent(eventId)));
    } catch {
      setVerdict('error');
    }
  };
  return (
    <span class="verify">
      {' '}
      <button type="button" class="link" onClick={() => void verify()} data-event={eventId}>
        {t('ledger.verify')}
      </button>{' '}
      <span aria-live="polite" data-testid="verdict">
        {verdict === 'checking' ? (
          t('ledger.checking')
        ) : verdict === 'error' ? (
          <span class="error">{t('common.error')}</span>
        ) : verdict?.verified ? (
          <span class="ok">
            {t('ledger.verified', { leaf: Number(verdict.leafIndex) + 1, size: verdict.treeSize })}
          </span>
        ) : verdict ? (
          <span class="error">{t(`ledger.fail.${verdict.reason}`)}</span>
        ) : null}
      </span>
    </span>
  );
}
