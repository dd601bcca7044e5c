/**
 * Markdown for untrusted answers, rendered as React elements from `marked`'s tokens.
 *
 * No HTML string is ever produced or injected, so nothing in an answer can become markup or script:
 * raw HTML is reduced to its text, only http(s) links are clickable (new tab, noopener noreferrer),
 * and images are never loaded (a link or the alt text instead), so no onerror and no third-party fetch.
 */

import { Lexer, type Token, type Tokens, type TokensList } from "marked";
import { Fragment, memo, type ReactNode } from "react";
import type { ShownEvent } from "../api/events";
import { decodeEntities } from "./entities";
import { EventCard } from "./EventCard";
import { ExternalLink } from "./ExternalLink";
import { safeHref } from "./safeUrl";

const LEX_OPTIONS = { gfm: true, breaks: true } as const;

const INERT_BLOCKS = /<(script|style|template|iframe|object|noscript)\b[\s\S]*?(<\/\1\s*>|$)/gi;
const TAG = /<\/?[A-Za-z!?][^>]*>?/g;

/** What remains of raw HTML: its text without tags (and without the bodies of script-like elements). */
export function htmlToText(html: string): string {
  return decodeEntities(html.replace(INERT_BLOCKS, "").replace(TAG, ""));
}

function headingTag(depth: number): "h3" | "h4" | "h5" | "h6" {
  // The page owns h1/h2; answer headings nest below them.
  return depth <= 1 ? "h3" : depth === 2 ? "h4" : depth === 3 ? "h5" : "h6";
}

function alignClass(align: "center" | "left" | "right" | null): string | undefined {
  return align === null ? undefined : `align-${align}`;
}

/**
 * A link's target when it may be followed. Autolinks are literal; written links may spell the scheme with
 * character references (javascript&colon;).
 */
function linkHref(token: Tokens.Link): string | null {
  return safeHref(token.autolink === true ? token.href : decodeEntities(token.href));
}

function renderLink(token: Tokens.Link, key: number): ReactNode {
  const href = linkHref(token);
  const children = renderInline(token.tokens);
  if (href === null) {
    return <span key={key}>{children}</span>;
  }
  const title = token.title ? decodeEntities(token.title) : undefined;
  return (
    <ExternalLink key={key} href={href} title={title}>
      {children}
    </ExternalLink>
  );
}

function renderImage(token: Tokens.Image, key: number): ReactNode {
  const alt = decodeEntities(token.text).trim() || "画像";
  const href = safeHref(decodeEntities(token.href));
  if (href === null) {
    return <span key={key}>{alt}</span>;
  }
  return (
    <ExternalLink key={key} href={href}>
      {`🖼 ${alt}`}
    </ExternalLink>
  );
}

function renderInlineToken(token: Token, key: number): ReactNode {
  switch (token.type) {
    case "text":
      return token.tokens ? (
        <Fragment key={key}>{renderInline(token.tokens)}</Fragment>
      ) : (
        <Fragment key={key}>{decodeEntities(String(token.text))}</Fragment>
      );
    case "escape":
      return <Fragment key={key}>{String(token.text)}</Fragment>;
    case "strong":
      return <strong key={key}>{renderInline(token.tokens)}</strong>;
    case "em":
      return <em key={key}>{renderInline(token.tokens)}</em>;
    case "del":
      return <del key={key}>{renderInline(token.tokens)}</del>;
    case "codespan":
      return <code key={key}>{String(token.text)}</code>;
    case "br":
      return <br key={key} />;
    case "link":
      return renderLink(token as Tokens.Link, key);
    case "image":
      return renderImage(token as Tokens.Image, key);
    case "html":
      return <Fragment key={key}>{htmlToText(String(token.text))}</Fragment>;
    case "checkbox":
      return <input key={key} type="checkbox" checked={token.checked === true} disabled readOnly />;
    default:
      // Unknown token kinds (extensions) show their source text, never markup.
      return typeof token.raw === "string" ? <Fragment key={key}>{token.raw}</Fragment> : null;
  }
}

function renderInline(tokens: Token[] | undefined): ReactNode[] {
  return (tokens ?? []).map(renderInlineToken);
}

function renderListItem(item: Tokens.ListItem, key: number): ReactNode {
  return <li key={key}>{renderBlocks(item.tokens)}</li>;
}

function renderTable(token: Tokens.Table, key: number): ReactNode {
  return (
    <div key={key} className="table-scroll">
      <table>
        <thead>
          <tr>
            {token.header.map((cell, index) => (
              <th key={index} className={alignClass(cell.align)}>
                {renderInline(cell.tokens)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {token.rows.map((row, rowIndex) => (
            <tr key={rowIndex}>
              {row.map((cell, index) => (
                <td key={index} className={alignClass(cell.align)}>
                  {renderInline(cell.tokens)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function renderBlock(token: Token, key: number): ReactNode {
  switch (token.type) {
    case "space":
    case "def":
      return null;
    case "paragraph":
      return <p key={key}>{renderInline(token.tokens)}</p>;
    case "heading": {
      const Tag = headingTag(Number(token.depth));
      return <Tag key={key}>{renderInline(token.tokens)}</Tag>;
    }
    case "list": {
      const items = (token as Tokens.List).items.map(renderListItem);
      if (token.ordered === true) {
        const start = typeof token.start === "number" && token.start !== 1 ? token.start : undefined;
        return (
          <ol key={key} start={start}>
            {items}
          </ol>
        );
      }
      return <ul key={key}>{items}</ul>;
    }
    case "blockquote":
      return <blockquote key={key}>{renderBlocks(token.tokens)}</blockquote>;
    case "code":
      return (
        <pre key={key}>
          <code>{String(token.text)}</code>
        </pre>
      );
    case "hr":
      return <hr key={key} />;
    case "table":
      return renderTable(token as Tokens.Table, key);
    case "html": {
      const text = htmlToText(String(token.text)).trim();
      return text === "" ? null : <p key={key}>{text}</p>;
    }
    default:
      // Inline tokens at block level (tight list items hold "text" tokens) render inline.
      return renderInlineToken(token, key);
  }
}

function renderBlocks(tokens: Token[] | undefined): ReactNode[] {
  return (tokens ?? []).map(renderBlock);
}

/** The link of a heading that is just a link: how answers introduce each event (`### [イベント名](URL)`). */
function headingLink(token: Token | undefined): Tokens.Link | null {
  if (token?.type !== "heading") {
    return null;
  }
  const parts = (token.tokens ?? []).filter((part) => !(part.type === "text" && part.raw.trim() === ""));
  return parts.length === 1 && parts[0]?.type === "link" ? (parts[0] as Tokens.Link) : null;
}

function isEventHeading(token: Token | undefined): boolean {
  return headingLink(token) !== null;
}

/** URLs compared as the same event page whether or not they end with a slash. */
function pageKey(href: string): string {
  return href.replace(/\/+$/, "");
}

/** The tool's event for a card's heading link, when the finished answer's `events` has it. */
function matchingEvent(heading: Token, events: readonly ShownEvent[]): ShownEvent | undefined {
  const link = headingLink(heading);
  const href = link === null ? null : linkHref(link);
  if (href === null) {
    return undefined;
  }
  const key = pageKey(href);
  return events.find((event) => pageKey(event.url) === key);
}

/** Item markers of the facts a structured card shows itself (date, place, participants), emoji or label. */
const FACT_ITEM = /^(?:📅|🗓|📆|⏰|🕒|📍|🏢|👥|👤|🎫|(?:日時|日程|開催日|会場|場所|参加者|参加|定員)\s*[:：])/u;

/** The answer's lines about an event that its structured card does not already show: the reason (💡) and the like. */
function notesOf(card: Token[]): Tokens.ListItem[] {
  const list = card.find((token) => token.type === "list") as Tokens.List | undefined;
  return (list?.items ?? []).filter((item) => !FACT_ITEM.test(item.text.replace(/^[\s*_]+/, "")));
}

function renderCard(card: Token[], index: number, events: readonly ShownEvent[]): ReactNode {
  const heading = card[0] as Token;
  const event = matchingEvent(heading, events);
  if (event === undefined) {
    // Still being written, or an event the tool data does not have: the answer's own section, as written.
    return (
      <li key={index} className="event-card">
        {renderBlocks(card)}
      </li>
    );
  }
  const notes = notesOf(card);
  return (
    <EventCard
      key={index}
      event={event}
      heading={headingTag((heading as Tokens.Heading).depth)}
      notes={notes.length > 0 ? <ul className="event-notes">{notes.map(renderListItem)}</ul> : null}
    />
  );
}

/** A top-level piece of an answer: one block, or a run of event sections shown as cards. */
type Section = { kind: "block"; token: Token } | { kind: "events"; cards: Token[][] };

function nextContent(tokens: Token[], from: number): number {
  let index = from;
  while (tokens[index]?.type === "space") {
    index += 1;
  }
  return index;
}

/**
 * Group each event heading with the list that follows it (date, place, participants, reason) into a card, and
 * consecutive cards into one grid: the events are shown once, as the answer itself lists them.
 */
function sections(tokens: Token[]): { section: Section; raw: string }[] {
  const out: { section: Section; raw: string }[] = [];
  let index = 0;
  while (index < tokens.length) {
    const start = index;
    if (!isEventHeading(tokens[index])) {
      const token = tokens[index] as Token;
      out.push({ section: { kind: "block", token }, raw: token.raw });
      index += 1;
      continue;
    }
    const cards: Token[][] = [];
    while (isEventHeading(tokens[index])) {
      const card = [tokens[index] as Token];
      index += 1;
      const details = nextContent(tokens, index);
      if (tokens[details]?.type === "list") {
        card.push(tokens[details] as Token);
        index = details + 1;
      }
      cards.push(card);
      const next = nextContent(tokens, index);
      if (!isEventHeading(tokens[next])) {
        break;
      }
      index = next;
    }
    const raw = tokens
      .slice(start, index)
      .map((token) => token.raw)
      .join("");
    out.push({ section: { kind: "events", cards }, raw });
  }
  return out;
}

interface SectionProps {
  section: Section;
  /** The section's source: equal source, equal output, so a growing answer re-renders only its last part. */
  raw: string;
  /** Link reference definitions of the whole text (they can change how an earlier block renders). */
  defs: string;
  /** The finished answer's events (tool data); a card whose link is among them shows their facts. */
  events: readonly ShownEvent[];
}

const SectionView = memo(
  function SectionView({ section, events }: SectionProps) {
    if (section.kind === "block") {
      return renderBlock(section.token, 0);
    }
    return (
      <ul className="event-grid" aria-label={`紹介したイベント（${section.cards.length}件）`}>
        {section.cards.map((card, index) => renderCard(card, index, events))}
      </ul>
    );
  },
  (before, after) => before.raw === after.raw && before.defs === after.defs && before.events === after.events,
);

function lex(text: string): TokensList | null {
  try {
    return Lexer.lex(text, LEX_OPTIONS);
  } catch {
    return null;
  }
}

const NO_EVENTS: readonly ShownEvent[] = [];

interface MarkdownProps {
  text: string;
  /**
   * The events a finished answer shows (`done.events`): its event sections whose heading links to one of them
   * become cards with the tool's facts. None while the answer is written: its sections show as written.
   */
  events?: readonly ShownEvent[] | undefined;
}

/** An answer, complete or still being written (then each delta re-lexes the text but re-renders only what changed). */
export const Markdown = memo(function Markdown({ text, events = NO_EVENTS }: MarkdownProps) {
  const tokens = lex(text);
  // If the lexer ever gives up, the answer is still readable as plain text.
  if (tokens === null) {
    return (
      <div className="markdown">
        <p className="plain">{text}</p>
      </div>
    );
  }
  const defs = JSON.stringify(tokens.links);
  return (
    <div className="markdown">
      {sections(tokens).map(({ section, raw }, index) => (
        <SectionView key={index} section={section} raw={raw} defs={defs} events={events} />
      ))}
    </div>
  );
});
