import net from 'node:net';
import { freePort } from '../../ports';

/**
 * A TCP proxy in front of a server (PostgreSQL, say) that a test can cut: `cut()` drops every
 * connection and refuses new ones, as a stopped server would; `restore()` lets them through again.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private listener: net.Server | null = null;

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    // Outside the range outgoing connections take theirs from: the proxy listens on it again after each cut.
    const proxy = new TcpProxy(await freePort(), target);
    await proxy.restore();
    return proxy;
  }

  async restore(): Promise<void> {
    if (this.listener) return;
    const listener = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(this.port, '127.0.0.1', resolve);
    });
    this.listener = listener;
  }

  async cut(): Promise<void> {
    const listener = this.listener;
    this.listener = null;
    for (const socket of this.sockets) socket.destroy();
    if (listener) await new Promise((resolve) => listener.close(resolve));
  }

  async stop(): Promise<void> {
    await this.cut();
  }
}
