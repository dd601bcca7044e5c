/**
 * The conversation. Finished entries go into a live log (announced once each); the answer being written is
 * shown right after it but outside the log, so a screen reader does not re-read it on every delta: it hears
 * the whole answer when it moves into the log at the end (or when it is stopped).
 */

import { useEffect, useRef } from "react";
import type { ChatMessage, PendingAnswer } from "../hooks/chatReducer";
import { LoadingIndicator } from "./LoadingIndicator";
import { Message, StreamingAnswer } from "./Message";

interface MessageListProps {
  messages: ChatMessage[];
  pending: PendingAnswer | null;
}

function scrollBehavior(): ScrollBehavior {
  return window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
}

export function MessageList({ messages, pending }: MessageListProps) {
  const endRef = useRef<HTMLDivElement>(null);
  const answerRef = useRef<HTMLDivElement>(null);
  const lastQuestion = messages.filter((message) => message.role === "user").at(-1)?.id;
  const writing = pending !== null && pending.answer !== "";

  // jsdom has no scrollIntoView; browsers all do.
  // A question just sent (or a conversation restored on load): keep the end in view.
  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: "end", behavior: scrollBehavior() });
  }, [lastQuestion]);
  // An answer starts: show it from its top (answers are long), then leave the scrolling to the reader.
  useEffect(() => {
    if (writing) {
      answerRef.current?.scrollIntoView?.({ block: "start", behavior: scrollBehavior() });
    }
  }, [writing]);

  return (
    <section className="conversation" aria-label="会話">
      <div role="log" aria-live="polite">
        <ol className="messages">
          {messages.map((message) => (
            <Message key={message.id} message={message} />
          ))}
        </ol>
      </div>
      {pending !== null &&
        (writing ? <StreamingAnswer ref={answerRef} text={pending.answer} /> : <LoadingIndicator />)}
      <div ref={endRef} className="conversation-end" />
    </section>
  );
}
