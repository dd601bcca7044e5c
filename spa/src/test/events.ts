/** A checked event as `parseShownEvents` gives it, for tests: an open event in Tokyo unless told otherwise. */

import type { ShownEvent } from "../api/events";

export function shownEvent(overrides: Partial<ShownEvent> = {}): ShownEvent {
  return {
    url: "https://sample-connpass.example/event/1/",
    title: "TSConf 2026",
    date: "2026年12月5日(土) 13:00〜18:00",
    place: "渋谷ホール",
    prefecture: "東京都",
    online: false,
    accepted: 10,
    limit: 50,
    waiting: 0,
    status: "open",
    status_label: "受付中",
    group: "TypeScript Tokyo",
    ended: false,
    ...overrides,
  };
}
