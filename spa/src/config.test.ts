import { describe, expect, it } from "vitest";
import { API_BASE, normaliseApiBase } from "./config";

describe("normaliseApiBase", () => {
  it("defaults to same-origin /api", () => {
    expect(normaliseApiBase(undefined)).toBe("/api");
    expect(normaliseApiBase("  ")).toBe("/api");
    expect(API_BASE).toBe("/api");
  });

  it("drops trailing slashes of an override", () => {
    expect(normaliseApiBase("http://127.0.0.1:8000/api/")).toBe("http://127.0.0.1:8000/api");
    expect(normaliseApiBase("/prod//")).toBe("/prod");
  });
});
