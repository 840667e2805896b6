import pino, { type Logger } from 'pino';

/** JSON logs on stdout (one object per line), as every log collector expects. */
export function createLogger(level: string, name = 'drydock'): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
      censor: '[redacted]',
    },
  });
}
