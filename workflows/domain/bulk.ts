/**
 * The words of bulk operations: one staff action, with one body, sent to many cases at once by a
 * supervisor moving work (reassigning a queue, sending cases to another department, escalating).
 */
import type { StaffActionName } from './staff-requests';

export const BULK_ACTIONS = ['assign', 'transfer', 'escalate'] as const satisfies readonly StaffActionName[];
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Each case's part: waiting, done (the case took the action), refused (with why), or cancelled before it ran. */
export const BULK_ITEM_STATUSES = ['pending', 'done', 'refused', 'cancelled'] as const;
export type BulkItemStatus = (typeof BULK_ITEM_STATUSES)[number];

/** `running` until every case had its turn (`completed`) or someone stopped it (`cancelled`). */
export type BulkOperationStatus = 'running' | 'completed' | 'cancelled';

/** The most cases one operation takes: a department's backlog, not the bank's. */
export const MAX_BULK_CASES = 1000;

/** What became of one case's step. */
export type BulkStepOutcome = { status: 'done' } | { status: 'refused' | 'cancelled'; detail: string };

/** How many cases are in each state. */
export type BulkCounts = Record<BulkItemStatus, number>;
