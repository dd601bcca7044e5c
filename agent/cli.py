"""Command line: ``python -m agent ask [質問]``, ``serve [--host --port]`` and ``sync --out DEST``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from agent.errors import ConfigError
from agent.logs import configure as configure_logging

EXAMPLES = ("TypeScriptのカンファレンスある？", "来月大阪でRustの勉強会は？", "面白そうなイベント教えて")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agent", description="Confee: 技術イベントを探す AI エージェント")
    commands = parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="質問に答える（質問を省略すると対話モード）")
    ask.add_argument("question", nargs="*", help="質問（例: TypeScriptのカンファレンスある？）")
    serve = commands.add_parser("serve", help="AgentCore 互換サーバーを起動する（GET /ping, POST /invocations）")
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    sync = commands.add_parser(
        "sync", help="connpass の今後のイベントをすべて読み、イベントミラーのスナップショットを書く"
    )
    sync.add_argument("--out", required=True, help="出力先: ディレクトリ、または s3://bucket/prefix")
    sync.add_argument("--months", type=int, default=6, help="読む月数（今月を含む。既定: 6）")
    args = parser.parse_args(argv)
    try:
        configure_logging(os.environ.get("CONFEE_LOG_LEVEL"), default="INFO" if args.command == "sync" else "WARNING")
        if args.command == "serve":
            return _serve(args.host, args.port)
        if args.command == "sync":
            return _sync(args.out, args.months, sys.stdout)
        return _ask(" ".join(args.question).strip(), sys.stdin, sys.stdout)
    except ConfigError as exc:
        print(f"設定エラー: {exc.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `python -m agent ask ... | head`: the reader left, which is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _serve(host: str, port: int) -> int:
    from agent.runtime.server import create_app
    from agent.runtime.serving import uvicorn_timeouts

    app = create_app()
    print(f"Confee agent listening on http://{host}:{port} (GET /ping, POST /invocations)", file=sys.stderr)
    app.run(port=port, host=host, **uvicorn_timeouts())  # stalled and idle connections are closed
    return 0


def _sync(out: str, months: int, stdout: TextIO) -> int:
    """Publish a mirror snapshot to ``out``; print the report as JSON. Exit 1 when nothing was published."""
    import json

    from agent.mirror.job import run_sync

    if not 1 <= months <= 12:
        raise ConfigError(f"--months must be 1-12, got {months}")
    report, ok = run_sync(out, months=months)
    print(json.dumps(report, ensure_ascii=False, indent=1), file=stdout)
    if not ok:
        print(
            f"同期に失敗しました（前回のスナップショットはそのまま使われます）: {report.get('error')}", file=sys.stderr
        )
    return 0 if ok else 1


def _ask(question: str, stdin: TextIO, stdout: TextIO) -> int:
    from agent.runtime.payload import new_session_id
    from agent.runtime.service import ChatService

    service = ChatService.from_env()
    session_id, turn, ok = new_session_id(), 0, True
    try:
        if question:
            return 0 if _answer(service, session_id, question, turn, stdout) else 1
        print("Confee です。技術イベントについて質問してください（終了: Ctrl-D）。", file=stdout)
        print("例: " + " / ".join(EXAMPLES), file=stdout)
        while True:
            stdout.write("\n> ")
            stdout.flush()
            line = stdin.readline()
            if not line:
                return 0
            if line.strip():
                ok = _answer(service, session_id, line.strip(), turn, stdout)
                turn += 1 if ok else 0
    finally:
        service.close()


def _answer(service: object, session_id: str, question: str, turn: int, stdout: TextIO) -> bool:
    """Stream one answer to ``stdout``; return whether it succeeded."""
    from agent.runtime.service import ChatService

    assert isinstance(service, ChatService)
    for event in service.stream(session_id, {"prompt": question, "turn": turn}):
        if event["type"] == "text":
            stdout.write(event["text"])
            stdout.flush()
        elif event["type"] == "error":
            print(f"\nエラー: {event['message']}", file=stdout)
            return False
    stdout.write("\n")
    return True
