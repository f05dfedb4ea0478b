/**
 * The product's log: one JSON object a line (pino), with the request id on every line about a
 * request. Nothing personal and no credentials: request lines carry method, path (no query
 * string), status, time and the staff id; `redact` is the safety net for anything that slips in.
 * Silent under Jest unless LOG_LEVEL says otherwise; LOG_LEVEL sets the level elsewhere (info),
 * LOG_FILE a file to write to instead of stdout.
 */
import pino from 'pino';

const level = process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info');

// LOG_FILE sends the lines to a file instead of stdout (the demo keeps its story on the terminal).
const destination = process.env.LOG_FILE ? pino.destination({ dest: process.env.LOG_FILE, mkdir: true }) : undefined;

export const log = pino(
  {
    level,
    base: { service: 'proactive-care' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.token',
        '*.password',
        '*.email',
        '*.phone',
        '*.name',
      ],
      censor: '[redacted]',
    },
  },
  destination,
);
