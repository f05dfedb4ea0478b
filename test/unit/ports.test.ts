import net from 'node:net';
import { readFileSync } from 'node:fs';
import { assertPortFree, freePort } from '../../src/ports';

test('a taken port is refused with a sentence naming it and its variable', async () => {
  const port = await freePort();
  await expect(assertPortFree(port, 'the admin API', 'API_PORT')).resolves.toBeUndefined();
  const server = net.createServer().listen(port, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    await expect(assertPortFree(port, 'the admin API', 'API_PORT')).rejects.toThrow(
      `Port ${port} for the admin API is already taken; stop what uses it or set API_PORT.`,
    );
  } finally {
    server.close();
  }
});

test('a chosen port lies outside the range outgoing connections take theirs from', async () => {
  const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    expect(port >= low && port <= high).toBe(false);
    await expect(assertPortFree(port, 'a test', 'TEST_PORT')).resolves.toBeUndefined();
  }
});
