/**
 * The conversation kept across reloads in sessionStorage: one tab, one conversation (a new tab starts fresh,
 * closing the tab forgets it). What is stored is checked on the way back in: storage is not trusted to hold
 * what this version of the app wrote.
 */

import { parseShownEvents, type ShownEvent } from "../api/events";
import { isValidSessionId } from "../session";
import type { AnswerStatus, ChatMessage, ChatState } from "./chatReducer";

export const STORAGE_KEY = "confee.chat";
const VERSION = 1;

/** Upper bound of the stored JSON in characters; the oldest messages go first (the page keeps them all). */
export const MAX_STORED_CHARS = 200_000;
export const MAX_STORED_MESSAGES = 200;

type StoredMessage =
  | { role: "user"; text: string; failed: boolean }
  /** `events` is absent in conversations stored before answers kept their events (and when there are none). */
  | { role: "assistant"; text: string; status: AnswerStatus; sample: boolean; events?: ShownEvent[] }
  | { role: "notice"; text: string };

interface StoredChat {
  v: typeof VERSION;
  sessionId: string;
  turn: number;
  draft: string;
  messages: StoredMessage[];
}

/** sessionStorage, or null where it is unavailable (blocked storage throws on access). */
export function browserStorage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

function toStored(message: ChatMessage): StoredMessage {
  switch (message.role) {
    case "user":
      return { role: "user", text: message.text, failed: message.failed };
    case "assistant":
      return {
        role: "assistant",
        text: message.text,
        status: message.status,
        sample: message.sample,
        ...(message.events.length > 0 && { events: message.events }),
      };
    case "notice":
      return { role: "notice", text: message.text };
  }
}

/** What to store: an answer still being written is kept as stopped (a reload ends its request). */
function snapshot(state: ChatState): StoredChat {
  const messages = state.messages.map(toStored);
  if (state.pending !== null) {
    messages.push({ role: "assistant", text: state.pending.answer, status: "stopped", sample: false });
  }
  return { v: VERSION, sessionId: state.sessionId, turn: state.turn, draft: state.draft, messages };
}

/** Store the conversation (or forget it when there is nothing to keep); storage errors are ignored. */
export function saveChat(storage: Storage | null, state: ChatState): void {
  if (storage === null) {
    return;
  }
  try {
    const stored = snapshot(state);
    if (stored.messages.length === 0 && stored.draft === "") {
      storage.removeItem(STORAGE_KEY);
      return;
    }
    stored.messages = stored.messages.slice(-MAX_STORED_MESSAGES);
    let json = JSON.stringify(stored);
    while (json.length > MAX_STORED_CHARS && stored.messages.length > 0) {
      stored.messages = stored.messages.slice(Math.max(1, Math.ceil(stored.messages.length / 4)));
      json = JSON.stringify(stored);
    }
    storage.setItem(STORAGE_KEY, json);
  } catch {
    // Full or blocked storage: the conversation simply does not survive a reload.
  }
}

export function clearChat(storage: Storage | null): void {
  try {
    storage?.removeItem(STORAGE_KEY);
  } catch {
    // Nothing to do.
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const STATUSES: ReadonlySet<unknown> = new Set<AnswerStatus>(["complete", "stopped", "interrupted"]);

function fromStored(value: unknown, id: string): ChatMessage | null {
  if (!isObject(value) || typeof value.text !== "string") {
    return null;
  }
  switch (value.role) {
    case "user":
      return { id, role: "user", text: value.text, failed: value.failed === true };
    case "assistant":
      return {
        id,
        role: "assistant",
        text: value.text,
        status: STATUSES.has(value.status) ? (value.status as AnswerStatus) : "stopped",
        sample: value.sample === true,
        // Checked like the network's: storage may hold anything (older versions stored no events).
        events: parseShownEvents(value.events),
      };
    case "notice":
      return { id, role: "notice", text: value.text };
    default:
      return null;
  }
}

/** The stored conversation as fresh state, or null when there is none or it is unreadable. */
export function loadChat(storage: Storage | null): ChatState | null {
  let raw: string | null;
  try {
    raw = storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
  if (raw === null) {
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
  if (
    !isObject(value) ||
    value.v !== VERSION ||
    typeof value.sessionId !== "string" ||
    !isValidSessionId(value.sessionId) ||
    typeof value.turn !== "number" ||
    !Number.isInteger(value.turn) ||
    value.turn < 0 ||
    !Array.isArray(value.messages)
  ) {
    return null;
  }
  const messages: ChatMessage[] = [];
  for (const item of value.messages) {
    const message = fromStored(item, `m${messages.length + 1}`);
    if (message !== null) {
      messages.push(message);
    }
  }
  return {
    sessionId: value.sessionId,
    turn: value.turn,
    messages,
    draft: typeof value.draft === "string" ? value.draft : "",
    pending: null,
    error: null,
    nextKey: messages.length + 1,
  };
}
