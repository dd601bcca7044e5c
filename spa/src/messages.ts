/**
 * Japanese text for every failure. The SPA owns this wording (rather than echoing the server's) because
 * some errors never reach our API (API Gateway, CloudFront, the network) and each one needs recovery advice.
 */

import type { ApiErrorCode } from "./api/types";

/** What to tell the user after a failed send; `retryAfter` is in seconds. */
export function errorMessage(code: ApiErrorCode, retryAfter: number | null = null): string {
  switch (code) {
    case "invalid_request":
      return "メッセージを送信できませんでした。内容（2000文字以内）を確認して、もう一度お試しください。";
    case "session_expired":
      return "しばらく操作がなかったため、会話の有効期限が切れました。新しい会話を開始したので、もう一度送信してください。";
    case "throttled":
      return retryAfter !== null && retryAfter > 0
        ? `ただいまアクセスが集中しています。${retryAfter}秒ほど待ってから再送信してください。`
        : "ただいまアクセスが集中しています。少し待ってから再送信してください。";
    case "agent_unavailable":
      return "サービスが一時的に利用できません。しばらくしてから再送信してください。";
    case "agent_timeout":
      return "回答の作成に時間がかかりすぎたため中断しました。もう一度お試しいただくか、質問を短くしてください。";
    case "timeout":
      return "サーバーから応答がありませんでした。通信環境を確認して、もう一度お試しください。";
    case "network_error":
      return "ネットワークに接続できませんでした。接続を確認してから再送信してください。";
    case "stream_interrupted":
      return "回答の途中で接続が切れました。通信環境を確認して、再送信してください。";
    case "bad_response":
    case "http_error":
    case "aborted":
      return "予期しないエラーが発生しました。もう一度お試しください。";
  }
}
