/** Runtime configuration, read once at start-up so no module reaches into `import.meta.env` itself. */

/** Default API base: the deployed site (CloudFront `/api/*`) and `python -m proxy.local` both serve it there. */
export const DEFAULT_API_BASE = "/api";

/**
 * Longest silence in an answer stream (no byte at all, not even the server's ~10 s keep-alive) before the
 * client gives up; the server's own budget ends a turn with an `agent_timeout` event first, so this is a backstop.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Contract 2: `message` is at most 2000 characters as sent, not only whitespace (the SPA sends it trimmed). */
export const MAX_MESSAGE_CHARS = 2000;

/** Trim the configured base and drop trailing slashes so paths join cleanly. */
export function normaliseApiBase(value: string | undefined): string {
  const trimmed = (value ?? "").trim().replace(/\/+$/, "");
  return trimmed === "" ? DEFAULT_API_BASE : trimmed;
}

export const API_BASE: string = normaliseApiBase(import.meta.env.VITE_API_BASE);
