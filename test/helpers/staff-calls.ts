/**
 * Calls a running stack's API as members of staff: a token is issued for each member the first
 * time, and each call answers with its status and JSON body.
 */
import { randomUUID } from 'node:crypto';
import { issueToken } from '../../src/auth/tokens';
import type { Db } from '../../src/db/client';
import { eventually } from './api-stack';

export interface StaffCalls {
  tokenOf(staffId: string): Promise<string>;
  call(
    method: string,
    url: string,
    staffId: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /**
   * A staff action sent, under one idempotency key, until the case answers it (200): while a
   * cluster's shards move or a task waits for another worker, it may answer 202 or 503 first.
   */
  act(url: string, staffId: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** For a stack whose database and API base are known once it started. */
export function staffCalls(stack: () => { db: Db; apiBase: string }): StaffCalls {
  const tokens = new Map<string, string>();
  async function tokenOf(staffId: string): Promise<string> {
    if (!tokens.has(staffId))
      tokens.set(staffId, (await issueToken(stack().db, staffId, { days: 1, label: 'test' })).token);
    return tokens.get(staffId)!;
  }
  const calls: StaffCalls = {
    tokenOf,
    async call(method, url, staffId, body, idempotencyKey) {
      const res = await fetch(`${stack().apiBase}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${await tokenOf(staffId)}`,
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    act(url, staffId, body) {
      const key = randomUUID();
      return eventually(
        () => calls.call('POST', url, staffId, body, key),
        (res) => res.status === 200,
        90_000,
      );
    },
  };
  return calls;
}
