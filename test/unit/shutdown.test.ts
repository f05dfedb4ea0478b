import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { closeGracefully } from '../../src/api/shutdown';

test('a graceful close answers the request in flight, then takes no new ones', async () => {
  const app = express();
  let arrived!: () => void;
  const inFlight = new Promise<void>((resolve) => (arrived = resolve));
  app.get('/slow', (_req, res) => {
    arrived();
    setTimeout(() => res.json({ done: true }), 300);
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const slow = fetch(`${url}/slow`);
  await inFlight;
  const closed = closeGracefully(server, 5000);
  const answer = await slow;
  expect(await answer.json()).toEqual({ done: true });
  await closed;
  await expect(fetch(`${url}/slow`)).rejects.toThrow();
});
