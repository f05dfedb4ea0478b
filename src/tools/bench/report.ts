/** The bench's output on stdout: one line a figure, and with --json the whole record as one object on the last line. */
import os from 'node:os';

/** What the figures were measured on. */
export function machine() {
  return {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** Prints every figure as `path: value` lines, then (with `json`) the whole record on one line. */
export function report(figures: Record<string, unknown>, json: boolean): void {
  const lines: string[] = [];
  const walk = (value: unknown, at: string) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) walk(inner, at ? `${at}.${key}` : key);
    } else {
      lines.push(`${at}: ${Array.isArray(value) ? value.map((v) => JSON.stringify(v)).join(', ') : String(value)}`);
    }
  };
  walk(figures, '');
  console.log(lines.join('\n'));
  if (json) console.log(JSON.stringify(figures));
}
