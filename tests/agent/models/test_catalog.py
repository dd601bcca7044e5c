"""The Bedrock model catalog (``agent/models/catalog.py``) as the workbench and the evaluation read it.

(Kept next to the workbench tests because this change may not touch ``tests/agent``.)
"""

from __future__ import annotations

import pytest

from agent.config import DEFAULT_MODEL_ID
from agent.models import catalog
from eval.pricing import PRICES, price_for


def test_nova_micro_is_the_default_and_every_id_is_an_apac_profile() -> None:
    assert catalog.DEFAULT.model_id == DEFAULT_MODEL_ID == catalog.MODELS[0].model_id
    assert all(model.model_id.startswith("apac.") for model in catalog.MODELS)
    assert [m.name for m in catalog.MODELS] == [
        "Amazon Nova Micro",
        "Amazon Nova Lite",
        "Amazon Nova Pro",
        "Claude Haiku 4.5",
    ]


def test_find_matches_any_profile_of_a_model() -> None:
    assert catalog.find("us.amazon.nova-pro-v1:0") is catalog.NOVA_PRO
    assert catalog.find("anthropic.claude-haiku-4-5-20251001-v1:0") is catalog.CLAUDE_HAIKU
    assert catalog.find("anthropic.claude-sonnet-4-5") is None


def test_cost_is_per_thousand_tokens() -> None:
    assert catalog.NOVA_MICRO.cost(1_000_000, 1_000_000) == pytest.approx(0.035 + 0.14)
    assert catalog.CLAUDE_HAIKU.cost(1_000_000, 1_000_000) == pytest.approx(1.10 + 5.50)


def test_greedy_decoding_fields_per_provider() -> None:
    assert catalog.NOVA_LITE.request_fields == {"inferenceConfig": {"topK": 1}}
    assert catalog.CLAUDE_HAIKU.request_fields == {"top_k": 1}


def test_the_evaluation_reads_its_prices_from_the_catalog() -> None:
    micro = price_for("apac.amazon.nova-micro-v1:0")
    assert micro is not None
    assert (micro.input_per_1k, micro.output_per_1k) == (
        catalog.NOVA_MICRO.input_per_1k,
        catalog.NOVA_MICRO.output_per_1k,
    )
    by_family = {model.family: model for model in catalog.MODELS}
    assert all((p.input_per_1k, p.output_per_1k) == (by_family[p.model].input_per_1k, by_family[p.model].output_per_1k)
               for p in PRICES)  # fmt: skip


def test_each_model_is_asked_for_greedy_decoding_in_its_own_words() -> None:
    from agent.models.bedrock import greedy_fields

    for model in catalog.MODELS:
        assert greedy_fields(model.model_id) == dict(model.request_fields)
    assert greedy_fields("apac.anthropic.claude-haiku-4-5-20251001-v1:0") == {"top_k": 1}
    assert greedy_fields("eu.amazon.nova-lite-v1:0") == {"inferenceConfig": {"topK": 1}}
