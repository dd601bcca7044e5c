"""Token and cost figures through the real Bedrock path, against the local ConverseStream fake.

``CONFEE_MODEL=bedrock`` as an operator would run it: the harness builds the in-process agent from the
environment, Strands' ``BedrockModel`` signs and streams through botocore, and botocore's service endpoint
variable (``AWS_ENDPOINT_URL_BEDROCK_RUNTIME``) points it at tests/fixtures/fake_bedrock.py on 127.0.0.1.
The fake reports 10 input and 10 output tokens per model call.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.cli import main
from eval.pricing import price_for
from tests.fixtures.fake_bedrock import FakeBedrock, text_reply, tool_reply


def script(body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Greetings are answered at once; questions search, then link the first event found."""
    last = body["messages"][-1]["content"]
    results = [block["toolResult"] for block in last if "toolResult" in block]
    question = next((block["text"] for block in last if "text" in block), "")
    if not results:
        if "こんにちは" in question:
            return text_reply("こんにちは！技術イベントを探すお手伝いをします。")
        return tool_reply("t-1", "search_connpass", {"keywords": ["TypeScript"]})
    first = json.loads(results[0]["content"][0]["text"])["events"][0]
    return text_reply(f"見つかりました。\n\n### [{first['title']}]({first['url']})\n- 📅 {first['date']}")


@pytest.fixture
def bedrock_env(monkeypatch: pytest.MonkeyPatch) -> Any:
    with FakeBedrock(script).running() as fake:
        for name, value in {
            "CONFEE_MODEL": "bedrock",
            "CONFEE_EVENTS": "sample",
            "AWS_REGION": "ap-northeast-1",
            "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": fake.url,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        }.items():
            monkeypatch.setenv(name, value)
        for name in ("CONFEE_AGENT", "CONFEE_MODEL_ID", "CONFEE_TODAY", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
            monkeypatch.delenv(name, raising=False)
        yield fake


def test_tokens_and_estimated_cost_per_question_from_bedrock_usage(bedrock_env: FakeBedrock, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    cases = ["--case", "topic-typescript-conference", "--case", "chat-hello"]
    code = main(["--out", str(out), "--min-category", "0", *cases])
    report = json.loads(out.read_text(encoding="utf-8"))

    assert report["run"]["model"] == "bedrock" and report["crashes"] == 0, report["failures"]
    assert [path.endswith("/converse-stream") for path, _ in bedrock_env.requests].count(True) == 3 + 1  # + warm-up
    by_id = {case["id"]: case["turns"][0] for case in report["cases"]}
    assert by_id["topic-typescript-conference"]["usage"] == {"model_calls": 2, "input_tokens": 20, "output_tokens": 20}
    assert by_id["chat-hello"]["usage"] == {"model_calls": 1, "input_tokens": 10, "output_tokens": 10}
    assert report["model_calls_per_turn"] == {"mean": 1.5, "max": 2}
    assert report["tokens"] == {"input": 30, "output": 30, "input_per_question": 15.0, "output_per_question": 15.0}

    micro = price_for("apac.amazon.nova-micro-v1:0")
    assert micro is not None and report["cost"]["model"] == "apac.amazon.nova-micro-v1:0"
    assert report["cost"]["usd_per_question"] == pytest.approx(micro.cost(15, 15))
    assert report["cost"]["estimate"] is True
    assert code in (0, 1)  # the scripted model's answers are not judged here, only the figures


def test_price_flags_override_the_table(bedrock_env: FakeBedrock, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    main(["--out", str(out), "--case", "chat-hello", "--price-input", "1", "--price-output", "2", "--no-warmup"])
    cost = json.loads(out.read_text(encoding="utf-8"))["cost"]
    assert (cost["usd_per_1k_input"], cost["usd_per_1k_output"]) == (1.0, 2.0)
    assert cost["usd_per_question"] == pytest.approx(10 / 1000 * 1 + 10 / 1000 * 2)
