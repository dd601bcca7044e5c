import { describe, expect, it } from "vitest";
import { parseEvent, parseEvents } from "./events";

const full = {
  id: 123,
  title: "TypeScript Conference 2026",
  url: "https://sample-connpass.example/event/123/",
  started_at: "2026-12-05T13:00:00+09:00",
  ended_at: "2026-12-05T18:00:00+09:00",
  date: "2026年12月5日(土) 13:00〜18:00",
  place: "渋谷ホール",
  address: "東京都渋谷区",
  prefecture: "東京都",
  online: false,
  accepted: 10,
  limit: 50,
  waiting: 0,
  open_status: "open",
  status: "open",
  status_label: "受付中",
  catch: "型の話をしよう",
};

describe("parseEvent", () => {
  it("keeps every field of a compact event", () => {
    expect(parseEvent(full, 0)).toEqual({
      id: "123",
      title: "TypeScript Conference 2026",
      url: "https://sample-connpass.example/event/123/",
      date: "2026年12月5日(土) 13:00〜18:00",
      startedAt: "2026-12-05T13:00:00+09:00",
      place: "渋谷ホール",
      prefecture: "東京都",
      online: false,
      accepted: 10,
      limit: 50,
      waiting: 0,
      openStatus: "open",
      status: "open",
      statusLabel: "受付中",
      catchPhrase: "型の話をしよう",
    });
  });

  it("tolerates missing and mistyped optional fields", () => {
    const event = parseEvent({ title: "  Rust もくもく会 ", limit: "50", accepted: -1, url: 7, online: "yes" }, 4);
    expect(event).toMatchObject({
      id: "event-4",
      title: "Rust もくもく会",
      url: null,
      date: null,
      limit: null,
      accepted: null,
      online: false,
    });
  });

  it("treats limit 0 as no limit and the オンライン prefecture as online", () => {
    expect(parseEvent({ title: "x", limit: 0, prefecture: "オンライン" }, 0)).toMatchObject({ limit: null, online: true });
  });

  it.each([null, 1, "x", [], {}, { title: "" }, { title: 5 }])("drops %j", (value) => {
    expect(parseEvent(value, 0)).toBeNull();
  });
});

describe("parseEvents", () => {
  it("returns [] for anything but an array", () => {
    expect(parseEvents(undefined)).toEqual([]);
    expect(parseEvents({ 0: full })).toEqual([]);
  });

  it("skips unusable entries and duplicate ids", () => {
    const events = parseEvents([full, null, { id: 123, title: "dup" }, { id: 9, title: "other" }]);
    expect(events.map((event) => event.id)).toEqual(["123", "9"]);
  });
});
