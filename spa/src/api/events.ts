/** Turn the API's compact events into `ChatEvent`s, tolerating missing or mistyped fields. */

import type { ChatEvent } from "./types";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  if (typeof value !== "string") {
    return null;
  }
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

function count(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : null;
}

/** One compact event, or null when it has no title to show. */
export function parseEvent(value: unknown, index: number): ChatEvent | null {
  if (!isObject(value)) {
    return null;
  }
  const title = text(value.title);
  if (title === null) {
    return null;
  }
  const rawId = value.id;
  const id = typeof rawId === "number" || typeof rawId === "string" ? String(rawId) : `event-${index}`;
  const prefecture = text(value.prefecture);
  return {
    id,
    title,
    url: text(value.url),
    date: text(value.date),
    startedAt: text(value.started_at),
    place: text(value.place),
    prefecture,
    online: value.online === true || prefecture === "オンライン",
    accepted: count(value.accepted),
    limit: count(value.limit) || null,
    waiting: count(value.waiting),
    openStatus: text(value.open_status),
    status: text(value.status),
    statusLabel: text(value.status_label),
    catchPhrase: text(value.catch),
  };
}

/** The `events` array of a reply; anything else becomes an empty list, and duplicate ids are dropped. */
export function parseEvents(value: unknown): ChatEvent[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const seen = new Set<string>();
  const events: ChatEvent[] = [];
  value.forEach((item, index) => {
    const event = parseEvent(item, index);
    if (event !== null && !seen.has(event.id)) {
      seen.add(event.id);
      events.push(event);
    }
  });
  return events;
}
