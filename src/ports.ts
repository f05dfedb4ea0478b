import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Throws a sentence naming the port, its use and the variable that moves it, if it is taken. */
export async function assertPortFree(port: number, what: string, envName: string): Promise<void> {
  if (!(await isFree(port))) {
    throw new Error(`Port ${port} for ${what} is already taken; stop what uses it or set ${envName}.`);
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Resolves once something accepts TCP connections on the port, or rejects after the timeout. */
export async function waitForPort(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host });
      socket.once('connect', () => socket.end(() => resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`Nothing listened on ${host}:${port} within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A port nothing uses right now, chosen outside the range the system hands out to outgoing
 * connections: a port is often bound a while after it is chosen (a server starts first, a process
 * restarts on it), and a connection made meanwhile must not take it.
 */
export async function freePort(): Promise<number> {
  const [low, high] = outgoingPortRange();
  // Registered ports below the outgoing range, or above it when it leaves no room below.
  const [from, to] = low - 1 > FIRST_CHOSEN ? [FIRST_CHOSEN, low - 1] : [high + 1, 65535];
  for (let tries = 0; tries < 100; tries++) {
    const port = randomInt(from, to + 1);
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port found between ${from} and ${to}`);
}

const FIRST_CHOSEN = 10_000;

/** Linux says; elsewhere the IANA dynamic range, which macOS and Windows use. */
function outgoingPortRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low > 0 && high >= low) return [low, high];
  } catch {
    // not Linux
  }
  return [49152, 65535];
}
