/**
 * A staff action retried while the database is away: nothing new is sent, and the answer comes
 * from what the case says of the request's Idempotency-Key. Only the case saying it never saw
 * the key keeps the outage (503); when Temporal cannot be asked, an earlier try of the key may
 * have been taken, and a 503 would invite a different action (seen on a cluster with PostgreSQL
 * restarting under both the product and Temporal), so the answer is 202, outcome unknown.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Response } from 'express';
import { outcomeFromCase } from '../../src/api/action-requests';

const outage = new Error('database unavailable');

function temporalAnswering(result: () => Promise<unknown>): Client {
  const handle = { getUpdateHandle: () => ({ result }) };
  return {
    workflow: { getHandle: () => handle },
    withDeadline: (_deadline: number, call: () => Promise<unknown>) => call(),
  } as unknown as Client;
}

function response() {
  const sent: { status?: number; body?: unknown } = {};
  const res = {
    status(code: number) {
      sent.status = code;
      return res;
    },
    location: () => res,
    json(body: unknown) {
      sent.body = body;
      return res;
    },
  };
  return { res: res as unknown as Response, sent };
}

const neverSent = Object.assign(new Error('Deadline exceeded after 0.000s,waiting for metadata filters'), {
  details: 'Deadline exceeded after 0.000s,waiting for metadata filters',
});

test('the case took the key: 202, accepted', async () => {
  const { res, sent } = response();
  await outcomeFromCase(
    temporalAnswering(async () => ({ stage: 'investigation' })),
    res,
    'DSP-1',
    'key-1',
    outage,
  );
  expect(sent).toMatchObject({ status: 202, body: { status: 'accepted', caseId: 'DSP-1' } });
});

test('the case never saw the key: the outage stands', async () => {
  const { res } = response();
  const unknownKey = async () => {
    throw new WorkflowNotFoundError('update "key-1" not found', 'dispute-DSP-1', undefined);
  };
  await expect(outcomeFromCase(temporalAnswering(unknownKey), res, 'DSP-1', 'key-1', outage)).rejects.toBe(outage);
});

test('Temporal cannot be asked: 202, outcome unknown, since an earlier try may have been taken', async () => {
  const { res, sent } = response();
  const cannotAsk = async () => {
    throw neverSent;
  };
  await outcomeFromCase(temporalAnswering(cannotAsk), res, 'DSP-1', 'key-1', outage);
  expect(sent).toMatchObject({ status: 202, body: { status: 'unknown', caseId: 'DSP-1' } });
  expect((sent.body as { detail: string }).detail).toMatch(/same Idempotency-Key/);
});
