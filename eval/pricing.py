"""Bedrock token prices for the estimated cost per question, read from the one price table. An estimate, not a bill.

The figures and their sources live in ``agent/models/catalog.py`` (also used by the Streamlit workbench).
The harness prices every model of that catalog; other regions, batch and Flex tiers bill
differently and prices change: check the page before quoting a figure, or pass your own prices
(``--price-input`` / ``--price-output``).
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.models.catalog import MODELS
from agent.models.catalog import PRICES_SOURCE as PRICES_SOURCE


@dataclass(frozen=True)
class Price:
    """USD per 1,000 tokens."""

    model: str
    input_per_1k: float
    output_per_1k: float

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        """USD for the given token counts."""
        return input_tokens / 1000 * self.input_per_1k + output_tokens / 1000 * self.output_per_1k


#: Model family (a substring of the model id or inference profile) → price: every model of the catalog.
PRICES: tuple[Price, ...] = tuple(Price(model.family, model.input_per_1k, model.output_per_1k) for model in MODELS)


def price_for(model_id: str) -> Price | None:
    """The price of ``model_id`` (``apac.amazon.nova-micro-v1:0`` → Nova Micro), or ``None`` if not listed."""
    lowered = model_id.lower()
    return next((price for price in PRICES if price.model in lowered), None)
