import path from 'node:path';
import { smtpChannel, type DeliveryChannel } from '../../src/mail/channels';
import { startMailSink, type MailSink, type SinkMessage } from '../../src/mail/sink';
import { tempDir } from './db';
import { freePort } from '../../src/ports';

/** The embedded SMTP sink on free ports, and a real SMTP channel pointed at it. */
export class LocalMail {
  private sink: MailSink | null;

  private constructor(
    sink: MailSink,
    readonly smtpPort: number,
    readonly httpPort: number,
    private readonly file: string,
    readonly channel: DeliveryChannel,
  ) {
    this.sink = sink;
  }

  static async start(): Promise<LocalMail> {
    const [smtpPort, httpPort] = [await freePort(), await freePort()];
    const file = path.join(tempDir('mail-'), 'sink.jsonl');
    const sink = await startMailSink({ smtpPort, httpPort, file });
    const channel = smtpChannel({
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      from: 'Card Disputes <disputes@bank.example>',
      lookupUrl: `http://127.0.0.1:${httpPort}`,
      timeoutMs: 2000,
    });
    return new LocalMail(sink, smtpPort, httpPort, file, channel);
  }

  /** What a recipient received, oldest first (the sink's store survives `down`/`up`). */
  received(recipient?: string): SinkMessage[] {
    if (!this.sink) throw new Error('the sink is down');
    return this.sink.messages(recipient);
  }

  /** An SMTP outage: the sink stops listening. */
  async down(): Promise<void> {
    await this.sink?.close();
    this.sink = null;
  }

  async up(): Promise<void> {
    if (!this.sink)
      this.sink = await startMailSink({ smtpPort: this.smtpPort, httpPort: this.httpPort, file: this.file });
  }

  async stop(): Promise<void> {
    this.channel.close();
    await this.down();
  }
}
