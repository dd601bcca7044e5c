/** Cards for the events an answer recommends (from the reply's `events`, not parsed out of the Markdown). */

import type { ChatEvent } from "../api/types";
import { isSampleUrl, safeHref } from "../markdown/safeUrl";

/** Fallback wording for replies without `status_label` (the agent's wording wins: one wording everywhere). */
const STATUS_LABELS: Readonly<Record<string, string>> = {
  preopen: "募集開始前",
  close: "受付終了",
  cancelled: "受付終了",
};

/** The status tag: the agent's `status_label`, none while one can simply sign up. */
export function eventStatus(event: ChatEvent): string | null {
  if (event.status === "open") return null;
  if (event.statusLabel !== null) return event.statusLabel;
  return event.openStatus !== null ? (STATUS_LABELS[event.openStatus] ?? null) : null;
}

const DATE_FORMAT = new Intl.DateTimeFormat("ja-JP", {
  timeZone: "Asia/Tokyo",
  year: "numeric",
  month: "long",
  day: "numeric",
  weekday: "short",
  hour: "2-digit",
  minute: "2-digit",
});

/** The agent's preformatted date, or one made from `started_at`, or null. */
export function eventDate(event: ChatEvent): string | null {
  if (event.date !== null) {
    return event.date;
  }
  if (event.startedAt === null) {
    return null;
  }
  const at = new Date(event.startedAt);
  return Number.isNaN(at.getTime()) ? null : DATE_FORMAT.format(at);
}

/** 📍 line: "オンライン" for online events, otherwise the venue with its prefecture. */
export function eventPlace(event: ChatEvent): string | null {
  if (event.online) {
    if (event.place === null || event.place.startsWith("オンライン")) return event.place ?? "オンライン";
    return `オンライン（${event.place}）`;
  }
  if (event.place !== null && event.prefecture !== null && !event.place.includes(event.prefecture)) {
    return `${event.place}（${event.prefecture}）`;
  }
  return event.place ?? event.prefecture;
}

/** 👥 line: "12/50人", "12人参加" without a limit, plus the waiting list. */
export function eventCapacity(event: ChatEvent): string | null {
  if (event.accepted === null) {
    return null;
  }
  const base = event.limit !== null ? `${event.accepted}/${event.limit}人` : `${event.accepted}人参加`;
  return event.waiting !== null && event.waiting > 0 ? `${base}（補欠${event.waiting}人）` : base;
}

function EventCard({ event }: { event: ChatEvent }) {
  const href = safeHref(event.url);
  const date = eventDate(event);
  const place = eventPlace(event);
  const capacity = eventCapacity(event);
  const status = eventStatus(event);
  return (
    <li className="event-card">
      <div className="event-tags">
        {isSampleUrl(event.url) && <span className="tag tag-sample">サンプル</span>}
        {status !== null && <span className="tag tag-status">{status}</span>}
      </div>
      <h4 className="event-title">
        {href !== null ? (
          <a href={href} target="_blank" rel="noopener noreferrer">
            {event.title}
          </a>
        ) : (
          event.title
        )}
      </h4>
      {event.catchPhrase !== null && <p className="event-catch">{event.catchPhrase}</p>}
      <dl className="event-facts">
        {date !== null && (
          <div>
            <dt aria-label="日時">📅</dt>
            <dd>{date}</dd>
          </div>
        )}
        {place !== null && (
          <div>
            <dt aria-label="場所">📍</dt>
            <dd>{place}</dd>
          </div>
        )}
        {capacity !== null && (
          <div>
            <dt aria-label="参加者">👥</dt>
            <dd>{capacity}</dd>
          </div>
        )}
      </dl>
    </li>
  );
}

export function EventCards({ events }: { events: ChatEvent[] }) {
  if (events.length === 0) {
    return null;
  }
  return (
    <>
      <p className="event-cards-title" aria-hidden="true">
        紹介したイベント（{events.length}件）
      </p>
      {/* Focusable so keyboard users can scroll the strip with the arrow keys. */}
      <ul className="event-cards" aria-label={`紹介したイベント（${events.length}件）`} tabIndex={0}>
        {events.map((event) => (
          <EventCard key={event.id} event={event} />
        ))}
      </ul>
    </>
  );
}
