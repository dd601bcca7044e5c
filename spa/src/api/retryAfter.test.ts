import { describe, expect, it } from "vitest";
import { MAX_RETRY_AFTER_SECONDS, parseRetryAfter } from "./retryAfter";

const NOW = Date.parse("2026-11-24T03:00:00Z");

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("5", NOW)).toBe(5);
    expect(parseRetryAfter(" 30 ", NOW)).toBe(30);
    expect(parseRetryAfter("0", NOW)).toBe(0);
  });

  it("reads an HTTP date relative to now and never goes negative", () => {
    expect(parseRetryAfter("Tue, 24 Nov 2026 03:00:45 GMT", NOW)).toBe(45);
    expect(parseRetryAfter("Tue, 24 Nov 2026 02:59:00 GMT", NOW)).toBe(0);
  });

  it("caps absurd waits", () => {
    expect(parseRetryAfter("86400", NOW)).toBe(MAX_RETRY_AFTER_SECONDS);
  });

  it.each([null, "", "soon", "-5", "1.5", "12abc"])("returns null for %j", (value) => {
    expect(parseRetryAfter(value, NOW)).toBeNull();
  });
});
