/**
 * `npm run care:try`: shows the care path on a running `npm start` within a minute. It plays the
 * card processor and an intake agent against the live API: Sam, a demo customer it adds if
 * missing, used his card a couple of times a day for months and stopped twelve days ago (he pays
 * with another bank's card now); the feed delivers that usage, Sam disputes an older charge, and
 * the attrition watch's first look finds the fall while the dispute is open: a care outreach
 * arrives in the care queue, shown here as the care agent reads it.
 *
 * It reads the same environment as `npm start` (DATABASE_URL, API_HOST, API_PORT). Its tokens are
 * issued for the run and revoked at its end. Run again, it opens another case on the same story.
 */
import { issueToken, revokeToken } from '../../auth/tokens';
import { loadConfig } from '../../config';
import { createDb, type Db } from '../../db/client';
import { DAY_MS, HOUR_MS } from '../../../workflows/domain/time';

export const SAM = { customerId: 'cust-try-sam', cardId: 'card-try-sam' };
/** Transactions per weekday (Sunday first): about 1.7 a day. */
const HABIT = [1, 2, 2, 1, 2, 3, 1];
const USAGE_DAYS = 120;
const SILENT_DAYS = 12;
const WAIT_MS = 60_000;

const dateOf = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Sam's usage as the card processor reports it: his habit until twelve days ago, then nothing. */
export function samsUsage(now: number) {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const rows = [];
  for (let day = today - USAGE_DAYS * DAY_MS; day < today - SILENT_DAYS * DAY_MS; day += DAY_MS) {
    for (let n = 0; n < HABIT[new Date(day).getUTCDay()]; n++) {
      rows.push({
        id: `try-sam-${dateOf(day)}-${n}`,
        cardId: SAM.cardId,
        postedAt: new Date(day + (9 + 4 * n) * HOUR_MS).toISOString(),
        amount: 18.5 + 7 * n,
        merchant: n % 2 ? 'CORNER COFFEE CO' : 'FRESHMART GROCERY',
        mcc: n % 2 ? '5814' : '5411',
        channel: 'pos',
      });
    }
  }
  // The charge he disputes, from before he stopped; one a day, so a run again the same day finds its case.
  rows.push({
    id: `try-sam-charge-${dateOf(today)}`,
    cardId: SAM.cardId,
    postedAt: new Date(today - (SILENT_DAYS + 3) * DAY_MS + 20 * HOUR_MS).toISOString(),
    amount: 64.99,
    merchant: 'STREAMPLUS ANNUAL 888-555-0142',
    mcc: '4899',
    channel: 'online',
  });
  return rows;
}

async function ensureSam(db: Db): Promise<void> {
  await db.customer.upsert({
    where: { id: SAM.customerId },
    update: {},
    create: {
      id: SAM.customerId,
      name: 'Sam Rivera',
      email: 'sam.rivera@example.com',
      phone: '+1-555-0142',
      preferredChannel: 'email',
      tier: 'gold',
      lifetimeValueCents: 900_000,
      timezone: 'America/New_York',
    },
  });
  await db.card.upsert({
    where: { id: SAM.cardId },
    update: {},
    create: {
      id: SAM.cardId,
      customerId: SAM.customerId,
      last4: '0142',
      product: 'Rewards Credit',
      type: 'credit',
      openedAt: new Date(Date.now() - 4 * 365 * DAY_MS),
    },
  });
}

async function main(): Promise<number> {
  const config = loadConfig();
  const base = `http://${config.api.host}:${config.api.port}`;
  const db = createDb(config.databaseUrl);
  const issued: string[] = [];
  const token = async (staffId: string) => {
    const t = await issueToken(db, staffId, { days: 1, label: 'care-try' });
    issued.push(t.id);
    return t.token;
  };
  const call = async (method: string, url: string, bearer: string, body?: unknown, key?: string) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    if (res.status >= 400) throw new Error(`${method} ${url} answered ${res.status}: ${String(answer.detail ?? '')}`);
    return answer;
  };
  try {
    await fetch(`${base}/readyz`).catch(() => {
      throw new Error(`No admin API at ${base}: start the product first (npm start).`);
    });
    await ensureSam(db);
    const [processor, intake, care] = await Promise.all([
      token('card-processor'),
      token('intake-agent-1'),
      token('care-agent-1'),
    ]);
    const now = Date.now();
    const usage = samsUsage(now);
    await call('POST', '/feed/transactions', processor, { transactions: usage });
    console.log(
      `The card processor's feed delivered ${usage.length} transactions of Sam Rivera (${SAM.customerId}): ` +
        `about 12 a week for ${USAGE_DAYS - SILENT_DAYS} days, none in the last ${SILENT_DAYS}.`,
    );
    const charge = usage[usage.length - 1];
    const opened = await call(
      'POST',
      '/cases',
      intake,
      {
        customerId: SAM.customerId,
        cardId: SAM.cardId,
        transactionId: charge.id,
        amount: charge.amount,
        reasonCode: 'cancelled_recurring',
        description: 'Cancelled the subscription last year; charged again.',
      },
      `care-try-${charge.id}`,
    );
    const caseId = String(opened.id);
    console.log(`Sam disputes a ${charge.amount} charge: case ${caseId}. Waiting for the care queue…`);
    const started = Date.now();
    while (Date.now() - started < WAIT_MS) {
      const queue = await call('GET', `/outreach?caseId=${caseId}&status=open`, care);
      const [outreach] = (queue.items as Record<string, unknown>[] | undefined) ?? [];
      if (outreach) {
        const seconds = Math.round((Date.now() - started) / 1000);
        console.log(`\nAn outreach arrived in the care queue after ${seconds} s:\n`);
        console.log(JSON.stringify(outreach, null, 2));
        console.log(`\nSee it as a care agent does: GET ${base}/outreach?caseId=${caseId} (a care agent's token).`);
        return 0;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    console.error(`No outreach for ${caseId} within ${WAIT_MS / 1000} s: is the worker running (npm start)?`);
    return 1;
  } finally {
    for (const id of issued) await revokeToken(db, id);
    await db.$disconnect();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
