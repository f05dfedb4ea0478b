/**
 * `npm run audit` tells a case's story from its history: a recorded case's story is the expected
 * timeline (test/audit/care-outreach.md, read and checked by hand when it was written), in each
 * format.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { render, storyOf, type CaseStory } from '../../src/tools/audit';
import { dataConverter } from '../../src/temporal/encryption';
import { HISTORIES } from '../helpers/disputes';
import { TEST_PAYLOAD_KEYS } from '../helpers/temporal';

let story: CaseStory;

beforeAll(async () => {
  const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES, 'care-outreach.json'), 'utf8')));
  // Recorded before payloads were sealed.
  const converter = loadDataConverter(dataConverter(TEST_PAYLOAD_KEYS, 'accept'));
  story = await storyOf('DSP-89E0B826', [{ runId: 'recorded', history }], converter);
});

test('the story of a recorded case in Markdown is the expected timeline', () => {
  const expected = readFileSync(path.join(__dirname, '..', 'audit', 'care-outreach.md'), 'utf8');
  expect(render(story, null, 'md')).toBe(expected);
});

test('JSON and CSV carry the same events', () => {
  const json = JSON.parse(render(story, [], 'json')) as {
    events: { seq: number; category: string }[];
    differences: [];
  };
  expect(json.events.map((e) => e.seq)).toEqual(story.events.map((e) => e.seq));
  expect(json.events.filter((e) => e.category === 'concession')).toHaveLength(1);
  const csv = render(story, null, 'csv').split('\n');
  expect(csv[0]).toBe('at,seq,category,event,actor,details');
  expect(csv).toHaveLength(story.events.length + 1);
  expect(csv[20]).toMatch(/^"2026-12-26T21:35:26.630Z","20","concession","concession_granted","care-agent-1",/);
});
