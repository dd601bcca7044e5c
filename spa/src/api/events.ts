/**
 * The events an answer shows (`done.events`, Contract 1/2 `events`: the search tool's compact events), read into
 * a checked shape. They come from the network or from storage, so nothing about them is trusted: an entry
 * without an http(s) url or a title is dropped, a field of the wrong type counts as absent, text is cut short.
 */

import { safeHref } from "../markdown/safeUrl";

/** The agent's status codes (agent/events.py `status_of`). */
export type EventStatus = "open" | "full" | "preopen" | "closed";

/** One event as the cards show it. The field names are the wire's, so stored events read back the same way. */
export interface ShownEvent {
  /** Normalised absolute http(s) URL of the event page. */
  url: string;
  title: string;
  /** 「2026年12月10日(木) 19:30〜21:30」 ("" when absent). */
  date: string;
  place: string;
  /** 「東京都」 or 「オンライン」 ("" when unknown). */
  prefecture: string;
  online: boolean;
  accepted: number | null;
  /** Capacity; null when the event has none. */
  limit: number | null;
  waiting: number;
  status: EventStatus | null;
  /** The agent's wording of the status (agent/events.py `STATUS_LABELS`), "" when absent: one wording everywhere. */
  status_label: string;
  /** The community's name (connpass group.title), null when the event has none. */
  group: string | null;
  ended: boolean;
}

/** More would not fit an answer (the agent shows five a page); a bound for hostile or corrupt input. */
export const MAX_SHOWN_EVENTS = 50;
const MAX_TEXT_CHARS = 300;
const STATUSES: ReadonlySet<unknown> = new Set<EventStatus>(["open", "full", "preopen", "closed"]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  if (typeof value !== "string") {
    return "";
  }
  const trimmed = value.replace(/\s+/g, " ").trim();
  return trimmed.length > MAX_TEXT_CHARS ? `${trimmed.slice(0, MAX_TEXT_CHARS - 1)}…` : trimmed;
}

function count(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** One event, or null when it is not one (no http(s) url, no title, not an object). */
export function parseShownEvent(value: unknown): ShownEvent | null {
  if (!isObject(value) || typeof value.url !== "string") {
    return null;
  }
  const url = safeHref(value.url);
  const title = text(value.title);
  if (url === null || title === "") {
    return null;
  }
  const limit = count(value.limit);
  return {
    url,
    title,
    date: text(value.date),
    place: text(value.place),
    prefecture: text(value.prefecture),
    online: value.online === true,
    accepted: count(value.accepted),
    limit: limit === 0 ? null : limit,
    waiting: count(value.waiting) ?? 0,
    status: STATUSES.has(value.status) ? (value.status as EventStatus) : null,
    status_label: text(value.status_label),
    group: text(value.group) || null,
    ended: value.ended === true,
  };
}

/** The valid events of `value` (anything but an array gives none), each url once, at most `MAX_SHOWN_EVENTS`. */
export function parseShownEvents(value: unknown): ShownEvent[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const events: ShownEvent[] = [];
  const seen = new Set<string>();
  for (const item of value) {
    const event = parseShownEvent(item);
    if (event !== null && !seen.has(event.url)) {
      seen.add(event.url);
      events.push(event);
      if (events.length === MAX_SHOWN_EVENTS) {
        break;
      }
    }
  }
  return events;
}
