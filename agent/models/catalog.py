"""The Amazon Bedrock models Confee offers, with their on-demand prices: one table for every estimate.

The Streamlit workbench offers these models and estimates a turn's cost from them; the evaluation harness
(``eval/pricing.py``) reads its prices from here. Prices are USD per 1,000 tokens, on-demand, standard tier,
as read in late 2026. They are estimates for comparing models, not a bill: batch, Flex and prompt caching are
cheaper, and AWS bills a cross-Region inference profile at the price of the Region the request is sent from.

Sources (checked with the search tool):

- Model ids and inference profiles: the Claude Haiku 4.5 model card,
  https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-anthropic-claude-haiku-4-5.html (in-Region id
  ``anthropic.claude-haiku-4-5-20251001-v1:0`` with geographic and global inference profiles; lifecycle Active,
  EOL no sooner than 2026-10-01); "Supported Regions and models for batch inference",
  https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-supported.html (Nova Micro, Lite and Pro
  inference profiles with ap-northeast-1 among their Regions); the cross-Region profile list is
  https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html. An APAC profile id is the
  model id with the ``apac.`` prefix; all four ids below also appear in LiteLLM's price catalog
  (``BerriAI/litellm`` ``model_prices_and_context_window.json``, read in a snapshot of upstream commit 729b02d0)
  and in projects calling them.
- Amazon Nova prices: https://aws.amazon.com/bedrock/pricing/ (Amazon Nova, on-demand; the same figures are in
  the AWS Price List API, offer ``AmazonBedrock``, us-east-1): Micro $0.035 / $0.14, Lite $0.06 / $0.24,
  Pro $0.80 / $3.20 per million input / output tokens. LiteLLM lists the ``apac.`` Nova profiles about 5 %
  higher (Micro $0.037 / $0.148 per million): requests sent from Tokyo may cost that much more.
- Claude Haiku 4.5: $1 / $5 per million input / output tokens on the global profile
  (https://aws.amazon.com/about-aws/whats-new/2025/10/claude-4-5-haiku-anthropic-amazon-bedrock and the pricing
  page); geographic (regional) profiles such as ``apac.`` cost 10 % more, $1.10 / $5.50, as LiteLLM's table
  records for this profile id.

``request_fields`` is each model's ``additionalModelRequestFields`` for greedy decoding: Nova takes topK inside
``inferenceConfig``; Anthropic models take ``top_k`` and refuse unknown keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Where the prices come from (shown next to every estimate).
PRICES_SOURCE = (
    "https://aws.amazon.com/bedrock/pricing/ (on-demand, late 2026: Amazon Nova at the us-east-1 list price, "
    "Claude Haiku 4.5 at the regional-profile price)"
)


@dataclass(frozen=True)
class CatalogModel:
    """One Bedrock model or inference profile Confee can use.

    Attributes:
        model_id: The id to call (an APAC cross-Region inference profile).
        name: The model's name for people.
        family: A substring of every id or profile of this model (``apac.``/``us.``/in-Region ids all match).
        input_per_1k: USD per 1,000 input tokens.
        output_per_1k: USD per 1,000 output tokens.
        request_fields: ``additionalModelRequestFields`` that make the model decode greedily.
    """

    model_id: str
    name: str
    family: str
    input_per_1k: float
    output_per_1k: float
    request_fields: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        """USD for the given token counts (an estimate)."""
        return input_tokens / 1000 * self.input_per_1k + output_tokens / 1000 * self.output_per_1k


_NOVA_GREEDY: Mapping[str, Any] = {"inferenceConfig": {"topK": 1}}

NOVA_MICRO = CatalogModel(
    "apac.amazon.nova-micro-v1:0", "Amazon Nova Micro", "nova-micro", 0.000035, 0.00014, _NOVA_GREEDY
)
NOVA_LITE = CatalogModel("apac.amazon.nova-lite-v1:0", "Amazon Nova Lite", "nova-lite", 0.00006, 0.00024, _NOVA_GREEDY)
NOVA_PRO = CatalogModel("apac.amazon.nova-pro-v1:0", "Amazon Nova Pro", "nova-pro", 0.0008, 0.0032, _NOVA_GREEDY)
CLAUDE_HAIKU = CatalogModel(
    "apac.anthropic.claude-haiku-4-5-20251001-v1:0",
    "Claude Haiku 4.5",
    "claude-haiku-4-5",
    0.0011,
    0.0055,
    {"top_k": 1},
)

#: Every model offered, the default (Nova Micro, ``agent.config.DEFAULT_MODEL_ID``) first.
MODELS: tuple[CatalogModel, ...] = (NOVA_MICRO, NOVA_LITE, NOVA_PRO, CLAUDE_HAIKU)
DEFAULT = NOVA_MICRO


def find(model_id: str) -> CatalogModel | None:
    """The catalog entry for ``model_id`` or any other id or profile of the same model, else ``None``."""
    lowered = model_id.lower()
    return next((model for model in MODELS if model.family in lowered), None)
