/**
 * A figure's rows and how they are made: its value for all, then per group (see
 * `FigureDefinition.by`), with the numerator and denominator where it is a ratio, so every number
 * can be checked against its definition.
 */
import { FIGURES, type FigureId } from './definitions';
import type { FactKind } from './facts';
import type { FactSum } from './rollup';

export interface FigureRange {
  from: Date;
  to: Date;
  /** Only this department's cases; null for all. */
  departmentId: string | null;
}

export interface FigureRow {
  group: Record<string, string>;
  value: number | null;
  numerator?: number;
  denominator?: number;
}

export type Figures = Record<FigureId, FigureRow[]>;

/** The sums of the range's facts of one kind (see `rollup.ts`). */
export type FactsOf = (kind: FactKind) => FactSum[];

/** Every value the sums hold, for a percentile. */
export const valuesOf = (sums: readonly { values: number[] }[]): number[] => sums.flatMap((s) => s.values);

export type Measure = Omit<FigureRow, 'group'>;

/** A row per combination of the keys `groupOf` gives, with the sum of `count` over its items, in key order. */
export function counted<T>(
  items: readonly T[],
  groupOf: (item: T) => Record<string, string>,
  count: (item: T) => number = () => 1,
): FigureRow[] {
  const rows = new Map<string, FigureRow>();
  for (const item of items) {
    const group = groupOf(item);
    const key = JSON.stringify(group);
    const row = rows.get(key) ?? { group, value: 0 };
    row.value = row.value! + count(item);
    rows.set(key, row);
  }
  return [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, row]) => row);
}

/**
 * The figure for all items, then for the items of each value of each of the figure's `by` keys.
 * An item may stand for many (a row of counts from the database): `measure` adds them up.
 */
export function grouped<T extends Record<string, unknown>>(
  figure: FigureId,
  items: readonly T[],
  measure: (items: readonly T[]) => Measure,
): FigureRow[] {
  const rows: FigureRow[] = [{ group: {}, ...measure(items) }];
  for (const key of FIGURES[figure].by) {
    const values = [...new Set(items.map((item) => String(item[key])))].sort();
    for (const v of values) rows.push({ group: { [key]: v }, ...measure(items.filter((i) => String(i[key]) === v)) });
  }
  return rows;
}

/** A row per group with the median (nearest rank) of the values of its items, in key order. */
export function medians(items: readonly { group: Record<string, string>; values: readonly number[] }[]): FigureRow[] {
  const groups = new Map<string, { group: Record<string, string>; values: number[] }>();
  for (const { group, values } of items) {
    const key = JSON.stringify(group);
    const entry = groups.get(key) ?? { group, values: [] };
    entry.values.push(...values);
    groups.set(key, entry);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, { group, values }]) => ({ group, ...value(percentile(values, 0.5)) }));
}

/** The sum of `of` over the items. */
export const total = <T>(items: readonly T[], of: (item: T) => number): number =>
  items.reduce((sum, item) => sum + of(item), 0);

export const value = (v: number | null): Measure => ({ value: v === null ? null : round(v) });
export const share = (numerator: number, denominator: number): Measure => ({
  value: denominator ? round(numerator / denominator) : null,
  numerator,
  denominator,
});
export const points = (numerator: number, denominator: number): Measure => ({
  value: denominator ? round((100 * numerator) / denominator) : null,
  numerator,
  denominator,
});
const round = (v: number) => Math.round(v * 10_000) / 10_000;

/** The nearest-rank percentile: the smallest value at least `p` of the values are at or below. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}
