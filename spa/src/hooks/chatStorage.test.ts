// @vitest-environment jsdom
/** What survives a reload: the conversation, its session and turn; an answer cut by the reload as stopped. */

import { describe, expect, it } from "vitest";
import { shownEvent } from "../test/events";
import { chatReducer, initialChatState, type ChatAction, type ChatState } from "./chatReducer";
import { loadChat, MAX_STORED_CHARS, saveChat, STORAGE_KEY } from "./chatStorage";

const SESSION = "0f6b3b9e-6d2e-4a8e-9c57-3a1f1f0b2c11";
const EVENT = shownEvent({ url: "https://ts.sample-connpass.example/event/1/", title: "TSConf" });

function run(actions: ChatAction[]): ChatState {
  return actions.reduce(chatReducer, initialChatState(SESSION));
}

const conversation: ChatAction[] = [
  { type: "sent", requestId: 1, text: "TypeScriptのカンファレンスある？" },
  { type: "textReceived", requestId: 1, text: "### [TSConf](https://ts.sample-connpass.example/event/1/)" },
  {
    type: "succeeded",
    requestId: 1,
    done: { sessionId: SESSION, events: [EVENT], source: "sample" },
  },
  { type: "sent", requestId: 2, text: "大阪だと？" },
  { type: "textReceived", requestId: 2, text: "大阪では" },
];

describe("chat storage", () => {
  it("restores messages, session id, turn and draft; an answer still being written comes back stopped", () => {
    const state = run([...conversation, { type: "draftChanged", text: "書きかけ" }]);
    saveChat(sessionStorage, state);
    const restored = loadChat(sessionStorage);
    expect(restored).toMatchObject({ sessionId: SESSION, turn: 1, draft: "書きかけ", pending: null, error: null });
    expect(restored?.messages.map((message) => [message.role, message.text])).toEqual([
      ["user", "TypeScriptのカンファレンスある？"],
      ["assistant", "### [TSConf](https://ts.sample-connpass.example/event/1/)"],
      ["user", "大阪だと？"],
      ["assistant", "大阪では"],
    ]);
    expect(restored?.messages[1]).toMatchObject({ status: "complete", sample: true, events: [EVENT] });
    expect(restored?.messages[3]).toMatchObject({ status: "stopped", events: [] });
    expect(new Set(restored?.messages.map((message) => message.id)).size).toBe(4);
    expect(restored?.nextKey).toBe(5);
  });

  it("keeps an answer's events across a reload (its cards come back) and stores none for answers without", () => {
    const other = shownEvent({ url: "https://b.sample-connpass.example/event/2/", group: null, limit: null, waiting: 0 });
    const state = run([
      { type: "sent", requestId: 1, text: "q" },
      { type: "textReceived", requestId: 1, text: "a" },
      { type: "succeeded", requestId: 1, done: { sessionId: SESSION, events: [EVENT, other], source: null } },
      { type: "sent", requestId: 2, text: "ありがとう" },
      { type: "textReceived", requestId: 2, text: "どういたしまして" },
      { type: "succeeded", requestId: 2, done: { sessionId: SESSION, events: [], source: null } },
    ]);
    saveChat(sessionStorage, state);
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "{}") as { messages: Record<string, unknown>[] };
    expect(stored.messages.map((message) => "events" in message)).toEqual([false, true, false, false]);
    const restored = loadChat(sessionStorage);
    expect(restored?.messages.filter((message) => message.role === "assistant").map((answer) => answer.events)).toEqual([
      [EVENT, other],
      [],
    ]);
    saveChat(sessionStorage, restored ?? state);
    expect(JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "{}")).toEqual(stored); // a second round trip is the same
  });

  it("loads conversations stored before answers kept events, and drops stored events it cannot trust", () => {
    sessionStorage.setItem(
      STORAGE_KEY,
      JSON.stringify({
        v: 1,
        sessionId: SESSION,
        turn: 2,
        draft: "",
        messages: [
          { role: "user", text: "質問" },
          { role: "assistant", text: "古い回答", status: "complete", sample: true },
          { role: "assistant", text: "壊れた", status: "complete", sample: false, events: "x" },
          {
            role: "assistant",
            text: "混在",
            status: "complete",
            sample: false,
            events: [{ url: "javascript:alert(1)", title: "x" }, { title: "no url" }, 7, { ...EVENT, accepted: "many" }],
          },
        ],
      }),
    );
    const answers = loadChat(sessionStorage)?.messages.filter((message) => message.role === "assistant");
    expect(answers?.map((answer) => [answer.text, answer.events])).toEqual([
      ["古い回答", []],
      ["壊れた", []],
      ["混在", [{ ...EVENT, accepted: null }]],
    ]);
  });

  it("forgets the conversation when there is nothing to keep", () => {
    saveChat(sessionStorage, run(conversation));
    saveChat(sessionStorage, initialChatState(SESSION));
    expect(sessionStorage.getItem(STORAGE_KEY)).toBeNull();
    expect(loadChat(sessionStorage)).toBeNull();
  });

  it("caps what it stores by dropping the oldest messages", () => {
    let state = initialChatState(SESSION);
    for (let index = 1; index <= 40; index += 1) {
      const actions: ChatAction[] = [
        { type: "sent", requestId: index, text: `質問${index}` },
        { type: "textReceived", requestId: index, text: `回答${index} ${"あ".repeat(9_000)}` },
        { type: "succeeded", requestId: index, done: { sessionId: SESSION, events: [], source: null } },
      ];
      state = actions.reduce(chatReducer, state);
    }
    saveChat(sessionStorage, state);
    expect(sessionStorage.getItem(STORAGE_KEY)?.length).toBeLessThanOrEqual(MAX_STORED_CHARS);
    const restored = loadChat(sessionStorage);
    expect(restored?.turn).toBe(40);
    expect(restored?.messages.length).toBeLessThan(80);
    expect(restored?.messages.at(-1)?.text).toMatch(/^回答40 /);
  });

  it.each([
    ["not JSON", "{"],
    ["another version", JSON.stringify({ v: 99, sessionId: SESSION, turn: 0, messages: [] })],
    ["a bad session id", JSON.stringify({ v: 1, sessionId: "short", turn: 0, messages: [] })],
    ["a negative turn", JSON.stringify({ v: 1, sessionId: SESSION, turn: -1, messages: [] })],
    ["no messages array", JSON.stringify({ v: 1, sessionId: SESSION, turn: 0, messages: "x" })],
  ])("ignores stored data with %s", (_, raw) => {
    sessionStorage.setItem(STORAGE_KEY, raw);
    expect(loadChat(sessionStorage)).toBeNull();
  });

  it("drops stored entries it does not understand and keeps the rest", () => {
    sessionStorage.setItem(
      STORAGE_KEY,
      JSON.stringify({
        v: 1,
        sessionId: SESSION,
        turn: 1,
        messages: [{ role: "user", text: "質問" }, { role: "system", text: "x" }, { role: "assistant", text: 1 }, "x"],
      }),
    );
    expect(loadChat(sessionStorage)?.messages).toEqual([{ id: "m1", role: "user", text: "質問", failed: false }]);
  });

  it("works without storage, and survives storage that refuses to store", () => {
    saveChat(null, run(conversation));
    expect(loadChat(null)).toBeNull();
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException("full", "QuotaExceededError");
      },
      removeItem: () => undefined,
    } as unknown as Storage;
    expect(() => saveChat(full, run(conversation))).not.toThrow();
  });
});
