/** `done.events` read into checked events: the agent's compact events as they are, anything else dropped. */

import { describe, expect, it } from "vitest";
import { MAX_SHOWN_EVENTS, parseShownEvent, parseShownEvents } from "./events";

/** A compact event exactly as agent/search/compact.py writes it (flags at their usual value left out). */
const COMPACT = {
  id: 341384,
  title: "TypeScript Conference Japan 2027",
  url: "https://typescript-conf-tokyo.sample-connpass.example/event/341384/",
  date: "2027年5月22日(土) 10:00〜5月23日(日) 18:00",
  started_at: "2027-05-22T10:00:00+09:00",
  ended_at: "2027-05-23T18:00:00+09:00",
  days_until: 179,
  place: "大手町サンプルホール",
  address: "東京都千代田区大手町1-1",
  prefecture: "東京都",
  accepted: 0,
  limit: 1000,
  catch: "TypeScriptをテーマにした年に一度のカンファレンス",
  group: "TypeScript Conference Japan 実行委員会",
  status: "preopen",
  status_label: "募集開始前",
};

describe("parseShownEvent", () => {
  it("reads the agent's compact event, defaulting the fields it leaves out", () => {
    expect(parseShownEvent(COMPACT)).toEqual({
      url: "https://typescript-conf-tokyo.sample-connpass.example/event/341384/",
      title: "TypeScript Conference Japan 2027",
      date: "2027年5月22日(土) 10:00〜5月23日(日) 18:00",
      place: "大手町サンプルホール",
      prefecture: "東京都",
      online: false,
      accepted: 0,
      limit: 1000,
      waiting: 0,
      status: "preopen",
      status_label: "募集開始前",
      group: "TypeScript Conference Japan 実行委員会",
      ended: false,
    });
  });

  it("reads the flags, the waiting list, and no capacity", () => {
    const event = parseShownEvent({ ...COMPACT, online: true, ended: true, waiting: 3, limit: null, status: "full" });
    expect(event).toMatchObject({ online: true, ended: true, waiting: 3, limit: null, status: "full" });
    expect(parseShownEvent({ ...COMPACT, limit: 0 })?.limit).toBeNull(); // connpass's 0 means no capacity too
  });

  it.each([
    ["a javascript: url", { ...COMPACT, url: "javascript:alert(1)" }],
    ["a data: url", { ...COMPACT, url: "data:text/html,<script>alert(1)</script>" }],
    ["a relative url", { ...COMPACT, url: "/event/1/" }],
    ["no url", { ...COMPACT, url: undefined }],
    ["a url that is not a string", { ...COMPACT, url: ["https://connpass.com/"] }],
    ["no title", { ...COMPACT, title: "" }],
    ["a blank title", { ...COMPACT, title: " \n " }],
    ["a title that is not a string", { ...COMPACT, title: 1 }],
    ["an array", [COMPACT]],
    ["null", null],
    ["a string", "https://connpass.com/event/1/"],
  ])("drops an entry with %s", (_, value) => {
    expect(parseShownEvent(value)).toBeNull();
  });

  it("treats fields of the wrong type as absent, and never keeps markup-like text as anything but text", () => {
    const event = parseShownEvent({
      ...COMPACT,
      title: "<img src=x onerror=alert(1)>",
      accepted: "30",
      limit: -1,
      waiting: 2.5,
      online: "yes",
      status: "soldout",
      status_label: ["満席"],
      group: { title: "x" },
      date: 20270522,
    });
    expect(event).toMatchObject({
      title: "<img src=x onerror=alert(1)>",
      accepted: null,
      limit: null,
      waiting: 0,
      online: false,
      status: null,
      status_label: "",
      group: null,
      date: "",
    });
  });

  it("normalises the url, collapses whitespace and cuts very long text", () => {
    const event = parseShownEvent({ ...COMPACT, url: " HTTPS://Connpass.com/event/1/ ", title: "a\n  b", place: "長".repeat(1000) });
    expect(event?.url).toBe("https://connpass.com/event/1/");
    expect(event?.title).toBe("a b");
    expect(event?.place).toHaveLength(300);
    expect(event?.place.endsWith("…")).toBe(true);
  });
});

describe("parseShownEvents", () => {
  it("keeps the valid events in order, each url once", () => {
    const second = { ...COMPACT, url: "https://connpass.com/event/2/", title: "二つ目" };
    const events = parseShownEvents([COMPACT, { title: "no url" }, "junk", second, { ...COMPACT, title: "重複" }]);
    expect(events.map((event) => event.title)).toEqual(["TypeScript Conference Japan 2027", "二つ目"]);
  });

  it("gives none for anything but an array, and at most MAX_SHOWN_EVENTS", () => {
    for (const value of [undefined, null, {}, "[]", 3]) {
      expect(parseShownEvents(value)).toEqual([]);
    }
    const many = Array.from({ length: 80 }, (_, index) => ({ ...COMPACT, url: `https://connpass.com/event/${index}/` }));
    expect(parseShownEvents(many)).toHaveLength(MAX_SHOWN_EVENTS);
  });
});
