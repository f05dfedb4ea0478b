/**
 * The customer-experience dashboard: whether proactive care works (saves, retention, satisfaction
 * with and without an outreach) and whether the back office keeps its promises (SLA, Reg E/Z,
 * time to resolution), for a range and a department. Every figure is also a table with its
 * definition (so the page reads without scripts and by screen readers); a chart of the daily
 * volumes is drawn from the same numbers by dashboard.js with uPlot, served from this API.
 */
import type { Db } from '../../db/client';
import { FIGURES, type FigureDefinition, type FigureId } from '../../cem/definitions';
import type { FigureRange, FigureRow, Figures } from '../../cem/figures';
import { formatMoney } from '../../../workflows/domain/money';
import { html, type Html } from '../../web/html';
import { tableHead, words } from './pages';

export interface DashboardView {
  range: FigureRange;
  figures: Figures;
  /** The departments the person may choose from; null when they read only their own. */
  departments: { id: string; name: string }[] | null;
}

export async function departmentChoices(db: Db, all: boolean): Promise<DashboardView['departments']> {
  return all ? db.department.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } }) : null;
}

/** A figure's value as people read it, by its unit. */
export function shown(definition: FigureDefinition, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  switch (definition.unit) {
    case 'share':
      return `${(value * 100).toFixed(1)}%`;
    case 'points':
      return value.toFixed(0);
    case 'days':
      return `${value.toFixed(1)} days`;
    case 'hours':
      return `${value.toFixed(1)} h`;
    case 'per case':
    case 'per day':
      return value.toFixed(2);
    default:
      return String(value);
  }
}

const sameGroup = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

function rowOf(figures: Figures, id: FigureId, group: Record<string, string> = {}): FigureRow | undefined {
  return figures[id].find((row) => sameGroup(row.group, group));
}

/** A numerator or denominator as people read it: an amount as money. */
const of = (definition: FigureDefinition, count: number): string =>
  definition.amounts ? formatMoney(count) : String(count);

/** One headline number: the figure's value for all (or a group), with what it is out of. */
function tile(figures: Figures, id: FigureId, label: string, group: Record<string, string> = {}): Html {
  const row = rowOf(figures, id, group);
  const definition = FIGURES[id];
  return html`<div class="tile">
    <dt>${label}</dt>
    <dd>
      <span class="figure">${shown(definition, row?.value)}</span>
      ${
        row?.denominator !== undefined && definition.unit !== 'per day'
          ? html`<span class="of">${of(definition, row.numerator!)} of ${of(definition, row.denominator)}</span>`
          : null
      }
    </dd>
  </div>`;
}

/** The daily volumes as the chart draws them: days, opened and resolved. */
function dailySeries(figures: Figures): { days: string[]; opened: number[]; resolved: number[] } {
  const count = (rows: FigureRow[]) => new Map(rows.map((r) => [r.group.day, r.value ?? 0]));
  const opened = count(figures.cases_opened);
  const resolved = count(figures.cases_resolved);
  const days = [...new Set([...opened.keys(), ...resolved.keys()])].sort();
  return { days, opened: days.map((d) => opened.get(d) ?? 0), resolved: days.map((d) => resolved.get(d) ?? 0) };
}

/** The care funnel's steps, from the alert to the save, as the page draws them. */
const FUNNEL: [FigureId, string][] = [
  ['attrition_alerts', 'Attrition alerts'],
  ['outreach_opened', 'Outreach opened'],
  ['outreach_reached', 'Customer reached'],
  ['offers_made', 'Offer made'],
  ['offers_accepted', 'Offer accepted'],
  ['saves', 'Customer saved'],
];

/** The funnel as bars: each step's count, its bar as long as its share of the first step. */
function careFunnel(figures: Figures): Html {
  const steps = FUNNEL.map(([id, label]) => ({ label, count: rowOf(figures, id)?.value ?? 0 }));
  const widest = Math.max(1, ...steps.map((s) => s.count));
  return html`<figure class="funnel">
    <ol>
      ${steps.map(
        (s) =>
          html`<li>
            <span class="step">${s.label}</span>
            <span class="bar" style="width: ${String(Math.round((100 * s.count) / widest))}%"></span>
            <span class="count">${String(s.count)}</span>
          </li>`,
      )}
    </ol>
    <figcaption>The care funnel in the range: each step counts what the one before it led to.</figcaption>
  </figure>`;
}

const JOURNEY = [
  'journey_wait_days',
  'journey_chases',
  'journey_alerts',
  'journey_outreach',
  'journey_losses',
] as const;

/**
 * The journey's figures side by side, a row per stage and department, worst first: most customers
 * lost, then most alerts, then most chases, then the longest wait. The step to fix first leads.
 */
function journeyRows(figures: Figures): { stage: string; department: string; values: (number | null)[] }[] {
  const places = new Map<string, { stage: string; department: string; values: (number | null)[] }>();
  JOURNEY.forEach((id, column) => {
    for (const { group, value } of figures[id]) {
      const key = `${group.stage} ${group.department}`;
      const place = places.get(key) ?? {
        stage: group.stage,
        department: group.department,
        values: JOURNEY.map(() => null),
      };
      place.values[column] = value;
      places.set(key, place);
    }
  });
  const worse = (a: number | null, b: number | null) => (b ?? 0) - (a ?? 0);
  return [...places.values()].sort(
    (a, b) =>
      worse(a.values[4], b.values[4]) ||
      worse(a.values[2], b.values[2]) ||
      worse(a.values[1], b.values[1]) ||
      worse(a.values[0], b.values[0]) ||
      `${a.stage} ${a.department}`.localeCompare(`${b.stage} ${b.department}`),
  );
}

function journeyTable(figures: Figures): Html {
  const rows = journeyRows(figures);
  if (rows.length === 0) return html`<p>Nothing in this range.</p>`;
  return html`<table class="journey">
    ${tableHead('Stage', 'Department', 'Waited (median)', 'Chases', 'Attrition alerts', 'Outreach', 'Customers lost')}
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            <th scope="row">${words(r.stage)}</th>
            <td>${r.department}</td>
            ${r.values.map((v, i) => html`<td>${v === null && i > 0 ? '0' : shown(FIGURES[JOURNEY[i]], v)}</td>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function figureTable(id: FigureId, rows: FigureRow[]): Html {
  const definition: FigureDefinition = FIGURES[id];
  const ratio = rows.some((r) => r.denominator !== undefined);
  return html`<section class="figure-table" aria-labelledby="figure-${id}">
    <h3 id="figure-${id}">${definition.title}</h3>
    <details>
      <summary>Definition</summary>
      <dl class="facts">
        <dt>Formula</dt>
        <dd>${definition.formula}</dd>
        <dt>Numerator</dt>
        <dd>${definition.numerator}</dd>
        <dt>Denominator</dt>
        <dd>${definition.denominator}</dd>
        <dt>Left out</dt>
        <dd>${definition.excluded}</dd>
      </dl>
    </details>
    ${
      rows.length === 0
        ? html`<p>Nothing in this range.</p>`
        : html`<table>
            ${tableHead('Group', 'Value', ...(ratio ? ['Numerator', 'Denominator'] : []))}
            <tbody>
              ${rows.map(
                (r) =>
                  html`<tr>
                    <th scope="row">
                      ${
                        Object.entries(r.group)
                          .map(([key, value]) => `${key}: ${value}`)
                          .join(', ') || 'all'
                      }
                    </th>
                    <td>${shown(definition, r.value)}</td>
                    ${
                      ratio
                        ? html`<td>${r.numerator ?? ''}</td>
                            <td>${r.denominator ?? ''}</td>`
                        : null
                    }
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`;
}

export function dashboardBody({ range, figures, departments }: DashboardView): Html {
  const day = (at: Date) => at.toISOString().slice(0, 10);
  // `to` is exclusive: the form shows the last day included.
  const lastDay = new Date(range.to.getTime() - 1);
  const query = new URLSearchParams({
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    ...(range.departmentId ? { departmentId: range.departmentId } : {}),
  });
  const daily = dailySeries(figures);
  const rules = figures.regulatory_compliance.filter((r) => r.group.rule);
  return html`<form class="filters" method="get" action="/console/dashboard" aria-label="Range and department">
      <label for="from">From</label>
      <input id="from" name="from" type="date" value="${day(range.from)}" required />
      <label for="through">Through</label>
      <input id="through" name="through" type="date" value="${day(lastDay)}" required />
      ${
        departments
          ? html`<label for="departmentId">Department</label>
              <select id="departmentId" name="departmentId">
                <option value="">All departments</option>
                ${departments.map(
                  (d) =>
                    html`<option value="${d.id}" ${d.id === range.departmentId ? 'selected' : null}>${d.name}</option>`,
                )}
              </select>`
          : html`<p>Department ${range.departmentId}</p>`
      }
      <button type="submit">Show</button>
    </form>
    <p class="hint">
      The same figures as <a href="/console/dashboard/figures.json?${query.toString()}">JSON</a> and
      <a href="/console/dashboard/figures.csv?${query.toString()}">CSV</a> (scripts with a token:
      <code>GET /metrics/cem</code>); their definitions are in METRICS.md.
    </p>

    <section aria-labelledby="care-h">
      <h2 id="care-h">Does proactive care work?</h2>
      <dl class="tiles">
        ${tile(figures, 'saves', 'Customers saved')} ${tile(figures, 'losses', 'Lost after an outreach')}
        ${tile(figures, 'retention_after_resolution', 'Retained, with an outreach', { outreach: 'yes' })}
        ${tile(figures, 'retention_after_resolution', 'Retained, without', { outreach: 'no' })}
        ${tile(figures, 'csat', 'CSAT, with an outreach', { outreach: 'yes' })}
        ${tile(figures, 'csat', 'CSAT, without', { outreach: 'no' })}
        ${tile(figures, 'nps', 'NPS, with an outreach', { outreach: 'yes' })}
        ${tile(figures, 'nps', 'NPS, without', { outreach: 'no' })}
        ${tile(figures, 'concessions_cost', 'Concessions ÷ value kept')}
      </dl>
      ${careFunnel(figures)}
    </section>

    <section aria-labelledby="promises-h">
      <h2 id="promises-h">Does the back office keep its promises?</h2>
      <dl class="tiles">
        ${tile(figures, 'sla_compliance', 'Resolved within SLA')}
        ${tile(figures, 'sla_near_deadline', 'Open cases over 80% of their SLA')}
        ${rules.map((r) => tile(figures, 'regulatory_compliance', `${r.group.rule} met`, r.group))}
        ${tile(figures, 'resolution_days_median', 'Time to resolution, median')}
        ${tile(figures, 'resolution_days_p90', 'Time to resolution, p90')}
        ${tile(figures, 'first_contact_resolution', 'First contact resolution')}
        ${tile(figures, 'follow_ups_per_case', 'Follow-ups per case')}
        ${tile(figures, 'chargebacks_won', 'Chargebacks won')} ${tile(figures, 'write_offs', 'Written off at intake')}
      </dl>
    </section>

    <section aria-labelledby="journey-h">
      <h2 id="journey-h">Where the journey goes wrong</h2>
      <p class="hint">
        Each step of the back office as customers lived it: how long they waited there, how often they chased us, and
        the alerts, outreach and losses that began while their case sat there. Worst first.
      </p>
      ${journeyTable(figures)}
    </section>

    <section aria-labelledby="volume-h">
      <h2 id="volume-h">Cases opened and resolved per day</h2>
      <figure class="chart">
        <div
          class="chart-canvas"
          data-chart="${JSON.stringify({
            x: daily.days,
            series: [
              { label: 'Opened', values: daily.opened },
              { label: 'Resolved', values: daily.resolved },
            ],
          })}"
        ></div>
        <figcaption>The daily counts are in the tables below.</figcaption>
      </figure>
    </section>

    <section aria-labelledby="all-h">
      <h2 id="all-h">Every figure</h2>
      ${(Object.keys(FIGURES) as FigureId[]).map((id) => figureTable(id, figures[id]))}
    </section>`;
}
