import path from 'node:path';
import { smsChannel, smtpChannel, type DeliveryChannel } from '../../src/notifications/channels';
import { startMailSink, type MailSink, type SinkMessage } from '../../src/notifications/mail-sink';
import { startSmsSink, type SinkSms, type SmsSink } from '../../src/notifications/sms-sink';
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

/** The embedded SMS sink on a free port, and a real SMS channel pointed at it. */
export class LocalSms {
  private sink: SmsSink | null;

  private constructor(
    sink: SmsSink,
    readonly port: number,
    private readonly file: string,
    readonly channel: DeliveryChannel,
  ) {
    this.sink = sink;
  }

  static async start(): Promise<LocalSms> {
    const port = await freePort();
    const file = path.join(tempDir('sms-'), 'sink.jsonl');
    const sink = await startSmsSink({ port, file, apiKey: 'test', apiSecret: 'secret' });
    const url = `http://127.0.0.1:${port}`;
    const channel = smsChannel({
      url,
      apiKey: 'test',
      apiSecret: 'secret',
      from: 'TestBank',
      lookupUrl: url,
      timeoutMs: 2000,
    });
    return new LocalSms(sink, port, file, channel);
  }

  /** What a number received, oldest first. */
  received(phone?: string): SinkSms[] {
    if (!this.sink) throw new Error('the sink is down');
    return this.sink.messages(phone);
  }

  /** An SMS provider outage: the sink stops listening. */
  async down(): Promise<void> {
    await this.sink?.close();
    this.sink = null;
  }

  async up(): Promise<void> {
    if (!this.sink)
      this.sink = await startSmsSink({ port: this.port, file: this.file, apiKey: 'test', apiSecret: 'secret' });
  }

  async stop(): Promise<void> {
    await this.down();
  }
}
