/**
 * `npm start` keeps its parts running: a part that dies is restarted after a growing backoff, and
 * one that keeps dying is given up on so the process can exit non-zero instead of limping on.
 */
import { Supervisor, type Running } from '../../src/supervisor';

/** A part that runs until `kill` is called on it. */
function part() {
  const started: { kill(reason: string): void; stopped: boolean }[] = [];
  const start = async (): Promise<Running> => {
    let kill!: (reason: string) => void;
    const ended = new Promise<string>((resolve) => (kill = resolve));
    const handle = { kill, stopped: false };
    started.push(handle);
    return {
      ended,
      stop: async () => {
        handle.stopped = true;
      },
    };
  };
  return { started, start };
}

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 2));
};

test('a part that dies is started again, with a backoff that grows', async () => {
  const { started, start } = part();
  const giveUp = jest.fn();
  const supervisor = await Supervisor.run('server', start, { initialBackoffMs: 5, onGiveUp: giveUp });
  started[0].kill('exited with SIGKILL');
  await until(() => started.length === 2);
  const first = Date.now();
  started[1].kill('exited with SIGKILL');
  await until(() => started.length === 3);
  expect(Date.now() - first).toBeGreaterThanOrEqual(9);
  await supervisor.stop();
  expect(started[2].stopped).toBe(true);
  expect(giveUp).not.toHaveBeenCalled();
});

test('a part that keeps dying is given up on', async () => {
  const { started, start } = part();
  const giveUp = jest.fn();
  await Supervisor.run('worker', start, { initialBackoffMs: 1, maxRestarts: 2, onGiveUp: giveUp });
  for (let i = 0; i < 3; i++) {
    await until(() => started.length === i + 1);
    started[i].kill('poll failed');
  }
  await until(() => giveUp.mock.calls.length > 0);
  expect(giveUp).toHaveBeenCalledWith('worker died 3 times within 60 s');
  expect(started).toHaveLength(3);
});

test('a restart that fails counts as a death; stopping during the backoff starts nothing', async () => {
  let attempts = 0;
  const { started, start } = part();
  const giveUp = jest.fn();
  const flaky = async () => {
    attempts += 1;
    if (attempts === 2) throw new Error('port 7233 is taken');
    return start();
  };
  const supervisor = await Supervisor.run('server', flaky, { initialBackoffMs: 1, onGiveUp: giveUp });
  started[0].kill('exited with code 1');
  await until(() => started.length === 2);
  expect(attempts).toBe(3);
  const slow = await Supervisor.run('sink', start, { initialBackoffMs: 60_000, onGiveUp: giveUp });
  started[2].kill('closed');
  await slow.stop();
  await supervisor.stop();
  expect(started).toHaveLength(3);
  expect(giveUp).not.toHaveBeenCalled();
});
