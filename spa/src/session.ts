/**
 * Session ids: the only place the SPA makes them, so the Contract 2 rule lives in one spot.
 *
 * The Chat API wants 33–256 characters of `[A-Za-z0-9][A-Za-z0-9_-]*`; a UUID (36 chars) fits.
 */

export const SESSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{32,255}$/;

/** A fresh session id from `crypto.randomUUID()` (or the same v4 layout from `getRandomValues`). */
export function newSessionId(): string {
  const cryptoApi = globalThis.crypto;
  // randomUUID exists only in secure contexts; http://<LAN address> during development is not one.
  if (typeof cryptoApi.randomUUID === "function") {
    return cryptoApi.randomUUID();
  }
  const bytes = cryptoApi.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether the Chat API would accept this id. */
export function isValidSessionId(value: string): boolean {
  return SESSION_ID_PATTERN.test(value);
}
