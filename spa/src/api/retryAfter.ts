/** `Retry-After` parsing (RFC 9110: delay-seconds or an HTTP-date). */

/** Longest wait we pass on; a misconfigured header must not lock the UI for hours. */
export const MAX_RETRY_AFTER_SECONDS = 600;

/** Seconds to wait, or null when the header is absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | null {
  if (value === null) {
    return null;
  }
  const trimmed = value.trim();
  if (trimmed === "") {
    return null;
  }
  let seconds: number;
  if (/^\d+$/.test(trimmed)) {
    seconds = Number(trimmed);
  } else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at) || !/[A-Za-z]/.test(trimmed)) {
      return null;
    }
    seconds = Math.ceil((at - nowMs) / 1000);
  }
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_SECONDS);
}
