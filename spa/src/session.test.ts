import { afterEach, describe, expect, it, vi } from "vitest";
import { isValidSessionId, newSessionId } from "./session";

describe("newSessionId", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("makes 36-character UUIDs the Chat API accepts, different every time", () => {
    const ids = new Set(Array.from({ length: 50 }, () => newSessionId()));
    expect(ids.size).toBe(50);
    for (const id of ids) {
      expect(id).toHaveLength(36);
      expect(isValidSessionId(id)).toBe(true);
    }
  });

  it("falls back to getRandomValues outside secure contexts", () => {
    const real = globalThis.crypto;
    vi.stubGlobal("crypto", { getRandomValues: real.getRandomValues.bind(real) });
    const id = newSessionId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isValidSessionId(id)).toBe(true);
  });
});

describe("isValidSessionId", () => {
  it.each([
    ["a".repeat(33), true],
    ["a".repeat(256), true],
    ["a".repeat(32), false],
    ["a".repeat(257), false],
    [`-${"a".repeat(35)}`, false],
    [`${"a".repeat(35)}!`, false],
  ])("%s → %s", (value, valid) => {
    expect(isValidSessionId(value)).toBe(valid);
  });
});
