/** The longest banner message an administrator may set. */
export const MESSAGE_MAX_LENGTH = 1000;

/**
 * Makes a banner message safe to store and show anywhere: markup removed, control characters
 * (but newlines) removed, whitespace trimmed. The console also escapes it when rendering; this is
 * so that every other reader of the API (scripts, e-mails, other UIs) gets plain text too.
 */
export function sanitizeMessage(text: string): string {
  return (
    text
      .replace(/<[^>]*>/g, '')
      .replace(/[<>]/g, '')
      // Matching control characters is the point of this expression.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g, '')
      .trim()
  );
}
