import type { Server } from 'node:http';

/**
 * Stops taking connections and resolves once the requests in flight are answered; after
 * `graceMs` whatever is still open is cut, so a stuck client cannot hold the shutdown forever.
 */
export function closeGracefully(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    // A keep-alive connection goes idle once its request is answered; let it go then, not at its timeout.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs).unref();
    server.close(() => {
      clearInterval(idle);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
