/** One entry of the conversation: the user's text, an answer (Markdown + event cards), or a notice. */

import type { ChatMessage } from "../hooks/chatReducer";
import { Markdown } from "../markdown/Markdown";
import { EventCards } from "./EventCards";

export function Message({ message }: { message: ChatMessage }) {
  switch (message.role) {
    case "user":
      return (
        <li className={message.failed ? "message message-user message-failed" : "message message-user"}>
          <span className="visually-hidden">あなた:</span>
          <p className="message-text">{message.text}</p>
          {message.failed && <span className="message-status">未送信</span>}
        </li>
      );
    case "assistant":
      return (
        <li className="message message-assistant">
          <span className="visually-hidden">Confee:</span>
          <Markdown text={message.text} />
          <EventCards events={message.events} />
        </li>
      );
    case "notice":
      return (
        <li className="message message-notice">
          <p>{message.text}</p>
        </li>
      );
  }
}
