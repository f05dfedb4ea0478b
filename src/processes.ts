/**
 * The child processes `npm start` runs (the Temporal dev server, the worker, the API) and what it
 * remembers of them between runs. A child dies with its supervisor: on Linux the kernel sends it
 * SIGTERM when the supervisor dies, however it dies (`setpriv --pdeathsig`); the Node parts also
 * stop when their IPC channel to it closes. Where neither reaches (a system without setpriv), the
 * next start finds what the last one left by the pids it wrote down and stops it.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((file) => process.platform === 'linux' && existsSync(file));

/**
 * Spawns a child that dies with this process. It gets a process group of its own, so a Ctrl-C in
 * the terminal reaches the supervisor alone, which then stops its children in order.
 */
export function spawnChild(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const [file, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'TERM', '--', command, ...args]] : [command, args];
  return spawn(file, argv, { ...options, detached: true });
}

/** Why a child process ended, once it does. */
export function childEnded(child: ChildProcess): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(`exited with ${child.signalCode ?? `code ${child.exitCode}`}`);
  }
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`)),
  );
}

/** SIGTERM, and SIGKILL if it has not exited within the grace period. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const ended = childEnded(child);
  const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
  child.kill('SIGTERM');
  await ended;
  clearTimeout(kill);
}

/** Whether a process with this pid exists (and is not a zombie this process has yet to reap). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const state = readProc(pid, 'stat')?.split(') ')[1]?.[0];
  return state !== 'Z';
}

function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/** The command line a pid runs (from /proc, else ps), or null when it cannot be read. */
function commandLine(pid: number): string | null {
  const proc = readProc(pid, 'cmdline');
  if (proc !== null) return proc.replaceAll('\0', ' ');
  try {
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  } catch {
    return null;
  }
}

/** A part of a run, as recorded: its pid and a string its command line contains, to tell it from a reused pid. */
export interface Recorded {
  pid: number;
  marker: string;
}

/**
 * `processes.json` in the data dir: the pid of each process of the current run, rewritten on every
 * restart. It tells the next start whether this data dir is in use, and what to stop if the last
 * run left something behind.
 */
export class RunFile {
  private parts: Record<string, Recorded> = {};

  constructor(readonly file: string) {}

  static in(dataDir: string): RunFile {
    return new RunFile(path.join(dataDir, 'processes.json'));
  }

  /** What the last run wrote, its processes still alive and still running what they ran. */
  survivors(): [string, Recorded][] {
    let parts: Record<string, Recorded>;
    try {
      parts = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, Recorded>;
    } catch {
      return [];
    }
    return Object.entries(parts).filter(
      ([, { pid, marker }]) => pid !== process.pid && alive(pid) && commandLine(pid)?.includes(marker),
    );
  }

  record(part: string, recorded: Recorded): void {
    this.parts[part] = recorded;
    // Written aside and renamed: a start reading it meanwhile never sees half of it.
    writeFileSync(`${this.file}.partial`, `${JSON.stringify(this.parts, null, 2)}\n`);
    renameSync(`${this.file}.partial`, this.file);
  }
}

/** Stops a process that is not our child (SIGTERM, then SIGKILL), polling until it is gone. */
export async function stopProcess(pid: number, graceMs = 10_000): Promise<void> {
  process.kill(pid, 'SIGTERM');
  if (await goneBy(pid, Date.now() + graceMs)) return;
  process.kill(pid, 'SIGKILL');
  // A SIGKILL takes effect at once; it is gone when the kernel has torn it down.
  await goneBy(pid, Infinity);
}

async function goneBy(pid: number, deadline: number): Promise<boolean> {
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}
