/** The conversation as a log: new entries are announced (aria-live) and scrolled into view. */

import { useEffect, useRef } from "react";
import type { ChatMessage } from "../hooks/chatReducer";
import { LoadingIndicator } from "./LoadingIndicator";
import { Message } from "./Message";

interface MessageListProps {
  messages: ChatMessage[];
  pending: boolean;
}

function scrollBehavior(): ScrollBehavior {
  return window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
}

export function MessageList({ messages, pending }: MessageListProps) {
  const listRef = useRef<HTMLOListElement>(null);
  const endRef = useRef<HTMLDivElement>(null);
  const lastRole = messages.at(-1)?.role;

  useEffect(() => {
    // A new answer is read from its top (answers are long); anything else keeps the end in view.
    // jsdom has no scrollIntoView; browsers all do.
    const target = lastRole === "assistant" ? listRef.current?.lastElementChild : endRef.current;
    target?.scrollIntoView?.({ block: lastRole === "assistant" ? "start" : "end", behavior: scrollBehavior() });
  }, [messages.length, lastRole, pending]);

  return (
    <section className="conversation" aria-label="会話">
      <div role="log" aria-live="polite">
        <ol className="messages" ref={listRef}>
          {messages.map((message) => (
            <Message key={message.id} message={message} />
          ))}
        </ol>
      </div>
      {pending && <LoadingIndicator />}
      <div ref={endRef} className="conversation-end" />
    </section>
  );
}
