import { useEffect, useMemo, useState } from 'preact/hooks';
import type {
  Agency,
  Api,
  IndicatorStanding,
  Plan,
  PlanIndicators,
  PlanProgress,
  ReportedValue,
} from '../api';
import { formatValue, IndicatorChart, StateBar } from '../charts';
import { formatDate, formatInstant } from '../format';
import { language, t } from '../i18n';
import { useAnswer } from '../use-answer';

/** The years that have a target or a value: the plan's other years would be empty columns. */
const shownYears = (indicator: IndicatorStanding): IndicatorStanding => ({
  ...indicator,
  years: indicator.years.filter((year) => year.target !== null || year.latest !== null),
});

/** The end of a calendar day in Vietnam's time (UTC+7), as an instant. */
const endOfDay = (date: string) => new Date(Date.parse(`${date}T23:59:59.999+07:00`)).toISOString();

/**
 * The issuer's plan progress: per indicator, the target of each year against the latest value
 * reported (as of a day, on business time); per agency, its tasks by state and its latest values.
 */
export function ProgressPage({ api }: { api: Api }) {
  const [plans, setPlans] = useState<Plan[]>([]);
  const [planId, setPlanId] = useState('');
  const [asOf, setAsOf] = useState('');
  const [agencies, setAgencies] = useState<Agency[]>([]);

  useEffect(() => {
    void api.plans().then((list) => {
      setPlans(list);
      if (list[0]) setPlanId(list[0].planId);
    });
    void api.agencies().then(setAgencies);
  }, [api]);
  const progress = useAnswer<PlanProgress>(planId ? () => api.progress(planId) : null, [api, planId]);
  const indicators = useAnswer<PlanIndicators>(
    planId ? () => api.indicators(planId, asOf ? endOfDay(asOf) : undefined) : null,
    [api, planId, asOf],
  );

  const lang = language();
  const nameOf = (code: string) => agencies.find((a) => a.code === code)?.name ?? code;
  // Each agency's latest value of each indicator (its most recent year with one).
  const valuesByAgency = useMemo(() => {
    const found = new Map<
      string,
      { indicator: string; unit: IndicatorStanding['unit']; year: number; value: ReportedValue }[]
    >();
    for (const indicator of indicators?.indicators ?? []) {
      const latest = new Map<string, { year: number; value: ReportedValue }>();
      for (const year of indicator.years)
        for (const value of year.byAgency) latest.set(value.agencyCode, { year: year.year, value });
      for (const [agency, entry] of latest) {
        const list = found.get(agency) ?? [];
        list.push({ indicator: indicator.name, unit: indicator.unit, ...entry });
        found.set(agency, list);
      }
    }
    return found;
  }, [indicators]);
  const rows = [...(progress?.agencies ?? [])].sort((a, b) => a.agencyCode.localeCompare(b.agencyCode));

  return (
    <section aria-labelledby="progress-title">
      <h1 id="progress-title">{t('progress.title')}</h1>
      <div class="row">
        <label>
          {t('inspect.plan')}
          <select id="progress-plan" value={planId} onChange={(e) => setPlanId(e.currentTarget.value)}>
            {plans.map((plan) => (
              <option value={plan.planId}>{plan.title.slice(0, 120)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('progress.asOf')}
          <input type="date" value={asOf} onChange={(e) => setAsOf(e.currentTarget.value)} />
        </label>
      </div>

      <h2>{t('progress.byIndicator')}</h2>
      {indicators === null ? (
        <p role="status">{t('common.loading')}</p>
      ) : indicators.indicators.length === 0 ? (
        <p class="muted">{t('progress.noIndicators')}</p>
      ) : (
        <>
          <p class="muted">
            {t('progress.validAt', { when: formatInstant(indicators.validAt) })}{' '}
            <span class="legend target">{t('progress.target')}</span>{' '}
            <span class="legend latest">{t('progress.latest')}</span>
          </p>
          <div class="indicators">
            {indicators.indicators.map(shownYears).map((indicator) => (
              <figure class="card indicator" data-indicator={indicator.indicatorId}>
                <figcaption translate={false}>{indicator.name}</figcaption>
                <IndicatorChart indicator={indicator} lang={lang} />
                <table class="tasks compact">
                  <caption class="visually-hidden">{t('progress.tableCaption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('progress.year')}</th>
                      <th scope="col">{t('progress.target')}</th>
                      <th scope="col">{t('progress.latest')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {indicator.years.map((year) => (
                      <tr data-year={year.year}>
                        <th scope="row">{year.year}</th>
                        <td class="target-value">
                          {year.target === null
                            ? '–'
                            : `${year.comparator ? `${t(`comparator.${year.comparator}`)} ` : ''}${formatValue(year.target, indicator.unit, lang)}`}
                        </td>
                        <td class="latest-value">
                          {year.latest ? (
                            <>
                              {formatValue(year.latest.value, indicator.unit, lang)}{' '}
                              <span class="muted">
                                (<span translate={false}>{nameOf(year.latest.agencyCode)}</span>,{' '}
                                {formatDate(year.latest.reportedAt.slice(0, 10))})
                              </span>
                            </>
                          ) : (
                            '–'
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </figure>
            ))}
          </div>
        </>
      )}

      <h2>{t('progress.byAgency')}</h2>
      {progress === null ? (
        <p role="status">{t('common.loading')}</p>
      ) : (
        <table class="tasks" data-testid="agency-progress">
          <caption class="visually-hidden">{t('progress.agencyCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('inspect.agency')}</th>
              <th scope="col">{t('inspect.total')}</th>
              <th scope="col">{t('inspect.overdue')}</th>
              <th scope="col">{t('inspect.byState')}</th>
              <th scope="col">{t('progress.latestValues')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr data-agency={row.agencyCode}>
                <th scope="row" translate={false}>
                  {nameOf(row.agencyCode)}
                </th>
                <td>{row.total}</td>
                <td class={row.overdue ? 'danger-text' : ''}>{row.overdue}</td>
                <td>
                  <StateBar byState={row.byState} total={row.total} />
                </td>
                <td>
                  {(valuesByAgency.get(row.agencyCode) ?? []).map((entry) => (
                    <span class="assignee">
                      <span translate={false}>{entry.indicator}</span>:{' '}
                      {formatValue(entry.value.value, entry.unit, lang)} ({entry.year})
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
