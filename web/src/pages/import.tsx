import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Api, type DraftTask, type PlanDraft, type TaskCorrection } from '../api';
import { formatDate } from '../format';
import { t } from '../i18n';

/** The issuer imports a plan document, reviews the draft beside its text, corrects it, confirms. */
export function ImportPage({ api }: { api: Api }) {
  const [draft, setDraft] = useState<PlanDraft | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [corrections, setCorrections] = useState<Record<string, { dueDate?: string; exclude?: boolean }>>({});
  const [state, setState] = useState<'idle' | 'reading' | 'confirming' | 'issued' | 'error'>('idle');
  const [problem, setProblem] = useState('');

  const upload = async (event: Event) => {
    event.preventDefault();
    const file = (event.currentTarget as HTMLFormElement).querySelector(
      'input[type=file]',
    ) as HTMLInputElement;
    const chosen = file.files?.[0];
    if (!chosen) return;
    setState('reading');
    try {
      setDraft(await api.importPlan(chosen));
      setCorrections({});
      setState('idle');
    } catch (error) {
      setProblem(error instanceof ApiError ? error.code : '');
      setState('error');
    }
  };

  const confirm = async () => {
    if (!draft?.draftId) return;
    setState('confirming');
    const list: TaskCorrection[] = Object.entries(corrections).map(([taskId, c]) => ({
      taskId,
      ...(c.dueDate ? { dueDate: c.dueDate } : {}),
      ...(c.exclude ? { exclude: true as const } : {}),
    }));
    try {
      await api.confirmDraft(draft.draftId, list);
      setState('issued');
    } catch (error) {
      setProblem(error instanceof ApiError ? error.code : '');
      setState('error');
    }
  };

  const chosen = draft?.tasks.find((task) => task.taskId === selected) ?? null;
  return (
    <section aria-labelledby="import-title">
      <h1 id="import-title">{t('import.title')}</h1>
      <form class="card" onSubmit={(e) => void upload(e)}>
        <label for="plan-file">{t('import.file')}</label>
        <input id="plan-file" type="file" accept=".txt,.docx,text/plain" required />
        <button type="submit" class="primary" disabled={state === 'reading'}>
          {t('import.read')}
        </button>
      </form>
      <div aria-live="polite">
        {state === 'reading' && <p role="status">{t('common.loading')}</p>}
        {state === 'error' && <p class="error">{t('import.failed', { code: problem })}</p>}
        {state === 'issued' && (
          <p class="ok" data-testid="issued">
            {t('import.issued')}
          </p>
        )}
      </div>
      {draft && (
        <>
          {draft.plan.title ? <h2 translate={false}>{draft.plan.title}</h2> : <h2>{t('import.untitled')}</h2>}
          <p class="muted">
            {t('import.summary', {
              duties: draft.summary.dutyTasks,
              reports: draft.summary.reportTasks,
              agencies: draft.summary.agencies,
              review: draft.summary.tasksNeedingReview,
            })}
          </p>
          <div class="side-by-side">
            <Source text={draft.sourceText} task={chosen} />
            <div class="pane" aria-label={t('import.tasks')} role="region" tabIndex={0}>
              <ol class="draft-tasks">
                {draft.tasks.map((task) => (
                  <DraftRow
                    task={task}
                    selected={task.taskId === selected}
                    correction={corrections[task.taskId] ?? {}}
                    onSelect={() => setSelected(task.taskId)}
                    onCorrect={(c) =>
                      setCorrections({ ...corrections, [task.taskId]: { ...corrections[task.taskId], ...c } })
                    }
                  />
                ))}
              </ol>
            </div>
          </div>
          <button
            type="button"
            class="primary"
            disabled={!draft.draftId || state === 'confirming' || state === 'issued'}
            onClick={() => void confirm()}
          >
            {t('import.confirm')}
          </button>
        </>
      )}
    </section>
  );
}

function Source({ text, task }: { text: string; task: DraftTask | null }) {
  const mark = useRef<HTMLElement>(null);
  useEffect(() => mark.current?.scrollIntoView({ block: 'center' }), [task]);
  const { start, end } = task?.sourceClause ?? { start: 0, end: 0 };
  return (
    <div
      class="pane source"
      translate={false}
      role="region"
      aria-label={t('import.source')}
      tabIndex={0}
      lang="vi"
    >
      {task ? (
        <>
          {text.slice(0, start)}
          <mark ref={mark}>{text.slice(start, end)}</mark>
          {text.slice(end)}
        </>
      ) : (
        text
      )}
    </div>
  );
}

function DraftRow(props: {
  task: DraftTask;
  selected: boolean;
  correction: { dueDate?: string; exclude?: boolean };
  onSelect: () => void;
  onCorrect: (c: { dueDate?: string; exclude?: boolean }) => void;
}) {
  const { task, correction } = props;
  return (
    <li class={props.selected ? 'selected' : ''}>
      <button type="button" class="link" onClick={props.onSelect} aria-pressed={props.selected}>
        <span translate={false}>
          {task.sourceClause.section} · {task.title}
        </span>
      </button>
      <div class="muted">
        {task.assignees.map((a) => (
          <span class="assignee">
            <span translate={false}>{a.agencyName}</span> ({t(`assigneeRole.${a.role}`)})
          </span>
        ))}
      </div>
      <div class="row">
        <label>
          {t('task.dueDate')} {formatDate(correction.dueDate ?? task.dueDate)}
          <input
            type="date"
            value={correction.dueDate ?? task.dueDate ?? ''}
            onInput={(e) => props.onCorrect({ dueDate: e.currentTarget.value })}
          />
        </label>
        <label>
          <input
            type="checkbox"
            checked={correction.exclude ?? false}
            onChange={(e) => props.onCorrect({ exclude: e.currentTarget.checked })}
          />
          {t('import.exclude')}
        </label>
        {task.issues.length > 0 && <span class="badge warn">{t('import.needsReview')}</span>}
      </div>
    </li>
  );
}
