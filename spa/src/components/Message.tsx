/** One entry of the conversation: the user's text, an answer (finished or still being written), or a notice. */

import type { Ref } from "react";
import type { ShownEvent } from "../api/events";
import type { AnswerStatus, ChatMessage } from "../hooks/chatReducer";
import { Markdown } from "../markdown/Markdown";
import { hasSampleLink } from "../markdown/safeUrl";

export const STOPPED_MARK = "（停止しました）";
export const INTERRUPTED_MARK = "（エラーのため中断しました）";
export const SAMPLE_BADGE = "サンプルデータ";

interface AnswerProps {
  text: string;
  status: AnswerStatus | "streaming";
  /** The API said the events are sample data; links to the sample domain say so too, even mid-answer. */
  sample: boolean;
  /** The events of a finished answer (tool data), shown as cards. */
  events?: readonly ShownEvent[] | undefined;
}

function AnswerBody({ text, status, sample, events }: AnswerProps) {
  return (
    <>
      <span className="visually-hidden">Confee:</span>
      {(sample || hasSampleLink(text)) && (
        <p className="answer-tags">
          <span className="tag tag-sample" title="動作確認用の架空のイベントです">
            {SAMPLE_BADGE}
          </span>
        </p>
      )}
      {text !== "" && <Markdown text={text} events={events} />}
      {status === "stopped" && <p className="answer-mark">{STOPPED_MARK}</p>}
      {status === "interrupted" && <p className="answer-mark">{INTERRUPTED_MARK}</p>}
      {status === "streaming" && (
        <span className="writing" aria-hidden="true">
          <span />
          <span />
          <span />
        </span>
      )}
    </>
  );
}

/** The answer being written: outside the live log, so screen readers hear it once, when it is finished. */
export function StreamingAnswer({ text, ref }: { text: string; ref?: Ref<HTMLDivElement> }) {
  return (
    <div ref={ref} className="message message-assistant message-streaming" aria-busy="true">
      <AnswerBody text={text} status="streaming" sample={false} />
    </div>
  );
}

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
        <li className={`message message-assistant message-${message.status}`}>
          <AnswerBody text={message.text} status={message.status} sample={message.sample} events={message.events} />
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
