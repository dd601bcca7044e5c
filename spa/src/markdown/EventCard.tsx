/**
 * One recommended event as a card whose facts come from the tool data (`done.events`), not from the answer's
 * Markdown: a model can misstate a date or a count, the search result cannot. Only the reason (the 💡 line and
 * whatever else the card does not show) comes from the answer. Every value is rendered as text; the only links
 * are the event's own checked http(s) URL.
 */

import type { ReactNode } from "react";
import type { ShownEvent } from "../api/events";
import { ExternalLink } from "./ExternalLink";

export const MORE_LINK_TEXT = "connpassで見る";

/** 「会場名（東京都）」, 「オンライン」 or 「オンライン（Zoom）」. */
export function placeText(event: ShownEvent): string {
  const { place, prefecture } = event;
  if (event.online || prefecture === "オンライン") {
    return place === "" || place.includes("オンライン") ? place || "オンライン" : `オンライン（${place}）`;
  }
  if (place !== "" && prefecture !== "" && !place.includes(prefecture)) {
    return `${place}（${prefecture}）`;
  }
  return place || prefecture || "会場未定";
}

/** 「91/200人」, or 「12人（定員なし）」 when the event has no capacity. */
export function countText(event: ShownEvent): string {
  const accepted = event.accepted ?? 0;
  return event.limit === null ? `${accepted}人（定員なし）` : `${accepted}/${event.limit}人`;
}

/** 「補欠 3人」 when a full event has a waiting list. */
export function waitingText(event: ShownEvent): string | null {
  return event.status === "full" && event.waiting > 0 ? `補欠 ${event.waiting}人` : null;
}

interface EventCardProps {
  event: ShownEvent;
  /** The heading level the answer gave the event (answers use `###`). */
  heading: "h3" | "h4" | "h5" | "h6";
  /** The answer's own lines about the event that the card does not show (why it is worth a look). */
  notes: ReactNode;
}

export function EventCard({ event, heading: Heading, notes }: EventCardProps) {
  const waiting = waitingText(event);
  return (
    <li className="event-card event-card-facts">
      <Heading className="event-title">
        <ExternalLink href={event.url}>{event.title}</ExternalLink>
      </Heading>
      {event.group !== null && (
        <p className="event-group">
          <span className="event-label">主催</span> {event.group}
        </p>
      )}
      <ul className="event-facts">
        <li>
          <span aria-hidden="true">📅 </span>
          <span className="visually-hidden">日時: </span>
          {event.date || "日時未定"}
          {event.ended && "（終了）"}
        </li>
        <li>
          <span aria-hidden="true">📍 </span>
          <span className="visually-hidden">場所: </span>
          {placeText(event)}
        </li>
        <li>
          <span aria-hidden="true">👥 </span>
          <span className="visually-hidden">参加者: </span>
          {countText(event)}
          {event.status_label !== "" && (
            <>
              {" "}
              {/* The agent's wording (status_label), so the card says what the answer says. */}
              <span className={`event-status event-status-${event.status ?? "unknown"}`}>{event.status_label}</span>
            </>
          )}
          {waiting !== null && `・${waiting}`}
        </li>
      </ul>
      {notes}
      <p className="event-more">
        <ExternalLink href={event.url} label={`${event.title}を${MORE_LINK_TEXT}`}>
          {MORE_LINK_TEXT}
        </ExternalLink>
      </p>
    </li>
  );
}
