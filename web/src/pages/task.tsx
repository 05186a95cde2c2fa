import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Agency, type Api, type CommandResult, type Task, type TrailEntry } from '../api';
import { formatDate, formatInstant, nfc } from '../format';
import { t } from '../i18n';
import { useAgencyFeed } from '../live';
import type { Session } from '../session';

/** One task: the duty and its clause, what the agency can do about it, and its trail. */
export function TaskPage({ api, session, taskId }: { api: Api; session: Session; taskId: string }) {
  const [task, setTask] = useState<Task | null>(null);
  const [trail, setTrail] = useState<TrailEntry[]>([]);
  const [agencies, setAgencies] = useState<Agency[]>([]);
  // Kept as a key and its values, so that it follows a change of language.
  const [message, setMessage] = useState<{
    kind: 'ok' | 'error';
    key: string;
    values?: Record<string, string | number>;
  } | null>(null);

  const reload = async (minPosition?: string | null) => {
    try {
      setTask(await api.task(taskId, minPosition));
      setTrail(await api.trail(taskId));
    } catch (error) {
      setMessage({ kind: 'error', ...problemOf(error) });
    }
  };
  useEffect(() => {
    void reload();
    void api.agencies().then(setAgencies);
  }, [api, taskId]);
  useAgencyFeed(api, session.agencyCode, (position) => void reload(position));

  const act = async (command: () => Promise<CommandResult>, done: string) => {
    setMessage(null);
    try {
      const result = await command();
      await reload(result.position);
      setMessage({ kind: 'ok', key: done });
    } catch (error) {
      setMessage({ kind: 'error', ...problemOf(error) });
    }
  };

  if (!task) return <p role="status">{message ? t(message.key, message.values) : t('common.loading')}</p>;
  const mine = task.assignees.find((assignee) => assignee.agencyCode === session.agencyCode);
  const offered = task.handoffs.filter((h) => h.status === 'pending' && h.toAgency === session.agencyCode);
  const nameOf = (code: string) => agencies.find((agency) => agency.code === code)?.name ?? code;
  const open = task.status === 'open';

  return (
    <article aria-labelledby="task-title">
      <p>
        <a href="#/inbox">← {t('nav.inbox')}</a>
      </p>
      <h1 id="task-title" translate={false}>
        {task.title}
      </h1>
      <dl class="facts">
        <dt>{t('task.dueDate')}</dt>
        <dd>{formatDate(task.dueDate)}</dd>
        <dt>{t('task.status')}</dt>
        <dd>{t(`taskStatus.${task.status}`)}</dd>
        <dt>{t('task.assignees')}</dt>
        <dd>
          {task.assignees.map((a) => (
            <span class="assignee">
              <span translate={false}>{nameOf(a.agencyCode)}</span> ({t(`assigneeRole.${a.role}`)},{' '}
              {t(`assigneeStatus.${a.status}`)})
            </span>
          ))}
        </dd>
      </dl>
      <section class="clause" aria-labelledby="clause-title">
        <h2 id="clause-title">{t('task.clause', { section: task.clause })}</h2>
        {task.partyHeading && (
          <p class="muted">
            {t('task.partyHeading')} <span translate={false}>{task.partyHeading}</span>
          </p>
        )}
        <blockquote lang="vi" translate={false}>
          {task.duty}
        </blockquote>
      </section>
      <div aria-live="polite">
        {message && <p class={message.kind === 'ok' ? 'ok' : 'error'}>{t(message.key, message.values)}</p>}
      </div>
      {open && offered.length > 0 && (
        <section class="card" aria-labelledby="offer-title">
          <h2 id="offer-title">{t('handoff.offeredTitle')}</h2>
          {offered.map((handoff) => (
            <AnswerHandoff
              from={nameOf(handoff.fromAgency)}
              reason={handoff.reason}
              onAnswer={(answer, reason) =>
                act(
                  () => api.answerHandoff(task.taskId, handoff.handoffId, answer, nfc(reason)),
                  `handoff.${answer}ed`,
                )
              }
            />
          ))}
        </section>
      )}
      {open && session.role === 'issuer' && (
        <IssuerDecisions
          task={task}
          nameOf={nameOf}
          onExtension={(id, decision, reason) =>
            act(() => api.decideExtension(task.taskId, id, decision, nfc(reason)), `decision.${decision}`)
          }
          onCompletion={(agency, decision, reason) =>
            act(
              () => api.decideCompletion(task.taskId, agency, decision, nfc(reason)),
              `decision.${decision}`,
            )
          }
        />
      )}
      {open && mine && (
        <section class="actions" aria-label={t('common.actions')}>
          {mine.status === 'assigned' && (
            <button
              type="button"
              class="primary"
              onClick={() => void act(() => api.acknowledge(task.taskId), 'done.acknowledged')}
            >
              {t('action.acknowledge')}
            </button>
          )}
          <ProgressForm
            onSubmit={(text, indicator, value) =>
              act(
                () =>
                  api.reportProgress(
                    task.taskId,
                    nfc(text),
                    indicator ? [{ indicator: nfc(indicator), value }] : [],
                  ),
                'done.progress',
              )
            }
          />
          <HandoffForm
            agencies={agencies.filter((a) => a.code !== session.agencyCode)}
            onSubmit={(to, reason) => act(() => api.handOff(task.taskId, to, nfc(reason)), 'done.handoff')}
          />
          <ExtensionForm
            onSubmit={(date, reason) =>
              act(() => api.requestExtension(task.taskId, date, nfc(reason)), 'done.extension')
            }
          />
          <CompletionForm
            onSubmit={(report) =>
              act(() => api.submitCompletion(task.taskId, nfc(report)), 'done.completion')
            }
          />
        </section>
      )}
      <section aria-labelledby="trail-title">
        <h2 id="trail-title">{t('trail.title')}</h2>
        <Trail entries={trail} nameOf={nameOf} />
      </section>
    </article>
  );
}

export function Trail({
  entries,
  nameOf,
  extra,
}: {
  entries: readonly TrailEntry[];
  nameOf: (code: string) => string;
  /** More about an entry, after it (the auditor's ledger check). */
  extra?: ((entry: TrailEntry) => ComponentChildren) | undefined;
}) {
  return (
    <ol class="trail">
      {entries.map((entry) => (
        <li key={entry.eventId}>
          <time dateTime={entry.occurredAt}>{formatInstant(entry.occurredAt)}</time>{' '}
          <strong>{t(`event.${entry.type}`, { defaultValue: entry.type })}</strong> ·{' '}
          <span translate={false}>{nameOf(entry.actorAgencyCode)}</span>
          {entry.reason && (
            <span class="muted" translate={false}>
              {' '}
              · {entry.reason}
            </span>
          )}
          {extra?.(entry)}
        </li>
      ))}
    </ol>
  );
}

function problemOf(error: unknown): { key: string; values?: Record<string, string | number> } {
  if (error instanceof ApiError)
    return { key: 'common.refused', values: { status: error.status, code: error.code } };
  return { key: 'common.error' };
}

type Submit<A extends unknown[]> = (...args: A) => Promise<void>;

function AnswerHandoff({
  from,
  reason,
  onAnswer,
}: {
  from: string;
  reason: string;
  onAnswer: Submit<['accept' | 'decline', string]>;
}) {
  const [answer, setAnswer] = useState('');
  return (
    <div class="offer">
      <p>
        {t('handoff.offeredBy')} <span translate={false}>{from}</span>. {t('handoff.offeredReason')}{' '}
        <span translate={false}>{reason}</span>
      </p>
      <label>
        {t('form.reason')}
        <input value={answer} onInput={(e) => setAnswer(e.currentTarget.value)} />
      </label>
      <button
        type="button"
        class="primary"
        onClick={() => void onAnswer('accept', answer || t('handoff.defaultAccept'))}
      >
        {t('action.accept')}
      </button>
      <button type="button" onClick={() => void onAnswer('decline', answer || t('handoff.defaultDecline'))}>
        {t('action.decline')}
      </button>
    </div>
  );
}

function ProgressForm({ onSubmit }: { onSubmit: Submit<[string, string, number]> }) {
  const [text, setText] = useState('');
  const [indicator, setIndicator] = useState('');
  const [value, setValue] = useState('');
  return (
    <details>
      <summary>{t('action.reportProgress')}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void onSubmit(text, indicator, Number(value));
        }}
      >
        <label>
          {t('form.progressText')}
          <textarea required value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <label>
          {t('form.indicator')}
          <input value={indicator} onInput={(e) => setIndicator(e.currentTarget.value)} />
        </label>
        <label>
          {t('form.value')}
          <input
            type="number"
            step="any"
            value={value}
            required={indicator !== ''}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        </label>
        <button type="submit">{t('form.send')}</button>
      </form>
    </details>
  );
}

function HandoffForm({
  agencies,
  onSubmit,
}: {
  agencies: readonly Agency[];
  onSubmit: Submit<[string, string]>;
}) {
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  return (
    <details data-testid="handoff">
      <summary>{t('action.handOff')}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void onSubmit(to, reason);
        }}
      >
        <label>
          {t('form.toAgency')}
          <select required value={to} onChange={(e) => setTo(e.currentTarget.value)} name="toAgency">
            <option value="">{t('signIn.choose')}</option>
            {agencies.map((agency) => (
              <option value={agency.code}>{agency.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t('form.reason')}
          <input required value={reason} onInput={(e) => setReason(e.currentTarget.value)} name="reason" />
        </label>
        <button type="submit">{t('form.send')}</button>
      </form>
    </details>
  );
}

function ExtensionForm({ onSubmit }: { onSubmit: Submit<[string, string]> }) {
  const [date, setDate] = useState('');
  const [reason, setReason] = useState('');
  return (
    <details>
      <summary>{t('action.requestExtension')}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void onSubmit(date, reason);
        }}
      >
        <label>
          {t('form.newDueDate')}
          <input type="date" required value={date} onInput={(e) => setDate(e.currentTarget.value)} />
        </label>
        <label>
          {t('form.reason')}
          <input required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        <button type="submit">{t('form.send')}</button>
      </form>
    </details>
  );
}

function CompletionForm({ onSubmit }: { onSubmit: Submit<[string]> }) {
  const [report, setReport] = useState('');
  return (
    <details>
      <summary>{t('action.submitCompletion')}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void onSubmit(report);
        }}
      >
        <label>
          {t('form.report')}
          <textarea required value={report} onInput={(e) => setReport(e.currentTarget.value)} />
        </label>
        <button type="submit">{t('form.send')}</button>
      </form>
    </details>
  );
}

/** The issuer decides the pending extension requests and submitted completions of a task. */
function IssuerDecisions(props: {
  task: Task;
  nameOf: (code: string) => string;
  onExtension: Submit<[string, 'grant' | 'deny', string]>;
  onCompletion: Submit<[string, 'accept' | 'return', string]>;
}) {
  const [reason, setReason] = useState('');
  const extensions = props.task.extensions.filter((extension) => extension.status === 'pending');
  const completions = props.task.assignees.filter((assignee) => assignee.status === 'completion-submitted');
  if (extensions.length === 0 && completions.length === 0) return null;
  const why = (fallback: string) => reason.trim() || t(fallback);
  return (
    <section class="card" aria-labelledby="decisions-title">
      <h2 id="decisions-title">{t('decision.title')}</h2>
      <label>
        {t('form.reason')}
        <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      {extensions.map((extension) => (
        <div class="offer">
          <p>
            {t('decision.extensionAsked')} <span translate={false}>{props.nameOf(extension.agencyCode)}</span>
            : {formatDate(extension.requestedDueDate)}. {t('handoff.offeredReason')}{' '}
            <span translate={false}>{extension.reason}</span>
          </p>
          <button
            type="button"
            class="primary"
            onClick={() =>
              void props.onExtension(extension.extensionId, 'grant', why('decision.defaultGrant'))
            }
          >
            {t('decision.grantButton')}
          </button>
          <button
            type="button"
            onClick={() => void props.onExtension(extension.extensionId, 'deny', why('decision.defaultDeny'))}
          >
            {t('decision.denyButton')}
          </button>
        </div>
      ))}
      {completions.map((assignee) => (
        <div class="offer">
          <p>
            {t('decision.completionSubmitted')}{' '}
            <span translate={false}>{props.nameOf(assignee.agencyCode)}</span>
          </p>
          <button
            type="button"
            class="primary"
            onClick={() =>
              void props.onCompletion(assignee.agencyCode, 'accept', why('decision.defaultAccept'))
            }
          >
            {t('decision.acceptButton')}
          </button>
          <button
            type="button"
            onClick={() =>
              void props.onCompletion(assignee.agencyCode, 'return', why('decision.defaultReturn'))
            }
          >
            {t('decision.returnButton')}
          </button>
        </div>
      ))}
    </section>
  );
}
