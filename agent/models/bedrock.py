"""Amazon Bedrock (Nova Micro) through Strands' ``BedrockModel``, tuned for reliable tool use."""

from __future__ import annotations

from typing import Any

from botocore.config import Config
from strands.models.bedrock import BedrockModel

from agent.config import Settings

#: Nova answers stay well under this; a cap keeps a runaway generation cheap.
MAX_TOKENS = 2048


def bedrock_model(settings: Settings, *, endpoint_url: str | None = None, **client_config: Any) -> BedrockModel:
    """A ``BedrockModel`` with greedy decoding (temperature 0, topK 1), as AWS advises for Nova tool use.

    Args:
        settings: Model id and region come from here.
        endpoint_url: Override the Bedrock Runtime endpoint (tests point it at a local fake).
        **client_config: Extra botocore ``Config`` arguments (e.g. ``retries`` in tests).
    """
    config = Config(
        connect_timeout=5,
        read_timeout=60,
        retries=client_config.pop("retries", {"total_max_attempts": 3, "mode": "standard"}),
        user_agent_extra="confee/0.1",
        **client_config,
    )
    return BedrockModel(
        model_id=settings.model_id,
        region_name=settings.region,
        endpoint_url=endpoint_url,
        boto_client_config=config,
        temperature=0.0,
        max_tokens=MAX_TOKENS,
        # Nova takes topK only inside additionalModelRequestFields.inferenceConfig.
        additional_request_fields={"inferenceConfig": {"topK": 1}},
    )
