import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  accountabilityPath,
  SCORECARD_STATES,
  type Agency,
  type AgencyAccountability,
  type Api,
  type Lapse,
  type Period,
  type Responsibility,
  type TaskAccountability,
} from '../api';
import { ScorecardBar } from '../charts';
import { formatDate, formatInstant } from '../format';
import { language, t } from '../i18n';
import { useAnswer } from '../use-answer';

/**
 * The inspector's accountability: per agency, its scorecard by year in the four states
 * government reports use and every lapsed deadline in a period, with who headed the agency on the
 * lapse date; per task, its lapses. Each as CSV or XLSX (headers in the page's language).
 */
export function AccountabilityPage({ api }: { api: Api }) {
  const [agencies, setAgencies] = useState<Agency[]>([]);
  const [parties, setParties] = useState<string[] | null>(null);
  const [agency, setAgency] = useState('');
  const [period, setPeriod] = useState<Period>({});
  const [taskId, setTaskId] = useState('');
  const [failed, setFailed] = useState(false);

  // The agencies with a part in the plans this inspector oversees: the ones it may ask about.
  useEffect(() => {
    void api.agencies().then(setAgencies);
    void (async () => {
      const plans = await api.plans();
      const progress = await Promise.all(plans.map((plan) => api.progress(plan.planId)));
      const codes = [...new Set(progress.flatMap((p) => p.agencies.map((a) => a.agencyCode)))];
      setParties(codes);
    })().catch(() => setFailed(true));
  }, [api]);
  const nameOf = (code: string) => agencies.find((a) => a.code === code)?.name ?? code;
  const choices = useMemo(
    () => [...(parties ?? [])].sort((a, b) => nameOf(a).localeCompare(nameOf(b), 'vi')),
    [parties, agencies],
  );
  // The first agency is the default until one is picked. Read from the state as it is when the
  // effect runs, not from this render: a choice made before the effect ran must stand.
  useEffect(() => {
    const first = choices[0];
    if (first) setAgency((current) => current || first);
  }, [choices]);
  useEffect(() => setTaskId(''), [agency]);
  const answer = useAnswer<AgencyAccountability>(
    agency ? () => api.agencyAccountability(agency, period) : null,
    [api, agency, period.from, period.to],
    () => setFailed(true),
  );
  const tasks: readonly Responsibility[] =
    useAnswer(agency ? () => api.responsibilities(agency) : null, [api, agency]) ?? [];

  const lang = language();
  const scorecard = [...(answer?.scorecard ?? [])].sort((a, b) => a.year - b.year);
  return (
    <section aria-labelledby="accountability-title">
      <h1 id="accountability-title">{t('accountability.title')}</h1>
      {failed && <p class="error">{t('common.error')}</p>}
      <div class="row">
        <label>
          {t('audit.agency')}
          <select
            id="accountability-agency"
            value={agency}
            onChange={(e) => setAgency(e.currentTarget.value)}
          >
            {choices.map((code) => (
              <option value={code}>{nameOf(code)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('accountability.from')}
          <input
            type="date"
            value={period.from ?? ''}
            onChange={(e) => setPeriod({ ...period, from: e.currentTarget.value || undefined })}
          />
        </label>
        <label>
          {t('accountability.to')}
          <input
            type="date"
            value={period.to ?? ''}
            onChange={(e) => setPeriod({ ...period, to: e.currentTarget.value || undefined })}
          />
        </label>
      </div>
      {answer === null ? (
        agency && <p role="status">{t('common.loading')}</p>
      ) : (
        <>
          <p class="muted">{t('inspect.asOf', { when: formatInstant(answer.asOf) })}</p>
          <div class="row downloads" data-testid="downloads">
            <Download
              api={api}
              path={accountabilityPath({ agencyCode: agency }, period, {
                format: 'csv',
                lang,
                table: 'scorecard',
              })}
              file={`accountability-${agency}-scorecard.csv`}
              label={t('accountability.csvScorecard')}
              format="csv"
            />
            <Download
              api={api}
              path={accountabilityPath({ agencyCode: agency }, period, {
                format: 'csv',
                lang,
                table: 'lapses',
              })}
              file={`accountability-${agency}-lapses.csv`}
              label={t('accountability.csvLapses')}
              format="csv"
            />
            <Download
              api={api}
              path={accountabilityPath({ agencyCode: agency }, period, { format: 'xlsx', lang })}
              file={`accountability-${agency}.xlsx`}
              label={t('accountability.xlsx')}
              format="xlsx"
            />
          </div>
          <h2>{t('accountability.scorecard')}</h2>
          {scorecard.length === 0 ? (
            <p class="muted">{t('accountability.noTasks')}</p>
          ) : (
            <table class="tasks" data-testid="scorecard">
              <caption class="visually-hidden">{t('accountability.scorecardCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('progress.year')}</th>
                  {SCORECARD_STATES.map((state) => (
                    <th scope="col">{t(`scorecard.${state}`)}</th>
                  ))}
                  <th scope="col">{t('accountability.chart')}</th>
                </tr>
              </thead>
              <tbody>
                {scorecard.map((row) => (
                  <tr data-year={row.year}>
                    <th scope="row">{row.year}</th>
                    {SCORECARD_STATES.map((state) => (
                      <td
                        class={state === 'openOverdue' && row[state] ? 'danger-text' : ''}
                        data-state={state}
                      >
                        {row[state]}
                      </td>
                    ))}
                    <td>
                      <ScorecardBar row={row} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>{t('accountability.lapses')}</h2>
          <Lapses lapses={answer.lapses} nameOf={nameOf} />
          <h2>{t('accountability.perTask')}</h2>
          <label>
            {t('accountability.task')}
            <select
              id="accountability-task"
              value={taskId}
              onChange={(e) => setTaskId(e.currentTarget.value)}
            >
              <option value="">{t('accountability.pickTask')}</option>
              {tasks.map((task) => (
                <option value={task.taskId}>{task.title.slice(0, 120)}</option>
              ))}
            </select>
          </label>
          {taskId && <TaskLapses api={api} taskId={taskId} nameOf={nameOf} />}
        </>
      )}
    </section>
  );
}

/** A file the API answers, fetched with the bearer token (a plain link cannot send it). */
function Download({
  api,
  path,
  file,
  label,
  format,
}: {
  api: Api;
  path: string;
  file: string;
  label: string;
  format: 'csv' | 'xlsx';
}) {
  const [failed, setFailed] = useState(false);
  return (
    <>
      <a
        class="button"
        href={path}
        download={file}
        data-format={format}
        onClick={(event) => {
          event.preventDefault();
          setFailed(false);
          api.download(path, file).catch(() => setFailed(true));
        }}
      >
        {label}
      </a>
      {failed && <span class="error">{t('common.error')}</span>}
    </>
  );
}

function TaskLapses({ api, taskId, nameOf }: { api: Api; taskId: string; nameOf: (code: string) => string }) {
  const answer = useAnswer<TaskAccountability>(() => api.taskAccountability(taskId), [api, taskId]);
  const lang = language();
  if (!answer) return <p role="status">{t('common.loading')}</p>;
  return (
    <div data-testid="task-accountability">
      <p class="row">
        <a href={`#/audit/${taskId}`}>{t('accountability.timeline')}</a>
        <Download
          api={api}
          path={accountabilityPath({ taskId }, {}, { format: 'csv', lang })}
          file={`accountability-${taskId}.csv`}
          label={t('accountability.csvLapses')}
          format="csv"
        />
        <Download
          api={api}
          path={accountabilityPath({ taskId }, {}, { format: 'xlsx', lang })}
          file={`accountability-${taskId}.xlsx`}
          label={t('accountability.xlsx')}
          format="xlsx"
        />
      </p>
      <Lapses lapses={answer.lapses} nameOf={nameOf} />
    </div>
  );
}

function Lapses({ lapses, nameOf }: { lapses: readonly Lapse[]; nameOf: (code: string) => string }) {
  if (lapses.length === 0) return <p class="muted">{t('accountability.noLapses')}</p>;
  return (
    <table class="tasks" data-testid="lapses">
      <caption class="visually-hidden">{t('accountability.lapsesCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('accountability.taskTitle')}</th>
          <th scope="col">{t('task.dueDate')}</th>
          <th scope="col">{t('accountability.daysLate')}</th>
          <th scope="col">{t('task.status')}</th>
          <th scope="col">{t('accountability.responsible')}</th>
          <th scope="col">{t('accountability.head')}</th>
          <th scope="col">{t('accountability.reminders')}</th>
        </tr>
      </thead>
      <tbody>
        {lapses.map((lapse) => (
          <tr data-task={lapse.taskId}>
            <th scope="row">
              <a href={`#/audit/${lapse.taskId}`} translate={false}>
                {lapse.title}
              </a>
            </th>
            <td>{formatDate(lapse.dueDate)}</td>
            <td class="danger-text">{lapse.daysLate}</td>
            <td>
              {t(`taskStatus.${lapse.status}`)}
              {lapse.doneAt && ` (${formatInstant(lapse.doneAt)})`}
            </td>
            <td translate={false}>{lapse.responsibleAgency ? nameOf(lapse.responsibleAgency) : '–'}</td>
            <td translate={false}>
              {lapse.headOnLapseDate
                ? `${lapse.headOnLapseDate.personName}, ${lapse.headOnLapseDate.title}`
                : '–'}
            </td>
            <td>
              {t('accountability.remindersEscalations', {
                reminders: lapse.remindersSent.length,
                escalations: lapse.escalations.length,
              })}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
