"""Bedrock token prices, in one place, for the estimated cost per question. An estimate, not a bill.

Source: Amazon Bedrock pricing, https://aws.amazon.com/bedrock/pricing/ (Amazon Nova, on-demand, us-east-1;
the same figures appear in the AWS Price List API, offer ``AmazonBedrock``), as read in late 2026. Other
regions and cross-region inference profiles (``apac.``…) may bill slightly differently, batch and Flex
tiers are cheaper, and prices change: check the page before quoting a figure, or pass your own prices
(``--price-input`` / ``--price-output``).
"""

from __future__ import annotations

from dataclasses import dataclass

PRICES_SOURCE = "https://aws.amazon.com/bedrock/pricing/ (Amazon Nova, on-demand, us-east-1, late 2026)"


@dataclass(frozen=True)
class Price:
    """USD per 1,000 tokens."""

    model: str
    input_per_1k: float
    output_per_1k: float

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        """USD for the given token counts."""
        return input_tokens / 1000 * self.input_per_1k + output_tokens / 1000 * self.output_per_1k


#: Model family (a substring of the model id or inference profile) → price.
PRICES: tuple[Price, ...] = (
    Price("nova-micro", 0.000035, 0.00014),
    Price("nova-lite", 0.00006, 0.00024),
    Price("nova-pro", 0.0008, 0.0032),
)


def price_for(model_id: str) -> Price | None:
    """The price of ``model_id`` (``apac.amazon.nova-micro-v1:0`` → Nova Micro), or ``None`` if not listed."""
    lowered = model_id.lower()
    return next((price for price in PRICES if price.model in lowered), None)
