"""Amazon Bedrock (Nova Micro by default) through Strands' ``BedrockModel``, tuned for reliable tool use."""

from __future__ import annotations

import copy
from typing import Any

from botocore.config import Config
from strands.models.bedrock import BedrockModel

from agent.config import Settings
from agent.models import catalog

#: Nova answers stay well under this; a cap keeps a runaway generation cheap.
MAX_TOKENS = 2048
#: botocore makes one attempt per model call: throttling is retried by exactly one layer, Strands'
#: ``ModelRetryStrategy`` (``agent/runtime/service.py`` ``MODEL_ATTEMPTS``). It also sees a throttle that
#: arrives inside the event stream (botocore cannot retry those) and its backoff (1 s, 2 s) is bounded to fit
#: the 24 s turn budget, where botocore's jittered backoff is not; two retrying layers multiplied to 9 calls.
BOTO_RETRIES: dict[str, Any] = {"total_max_attempts": 1, "mode": "standard"}


def greedy_fields(model_id: str) -> dict[str, Any]:
    """``additionalModelRequestFields`` for greedy decoding of ``model_id``."""
    entry = catalog.find(model_id)
    return copy.deepcopy(dict(entry.request_fields)) if entry else {"inferenceConfig": {"topK": 1}}


def bedrock_model(settings: Settings, *, endpoint_url: str | None = None, **client_config: Any) -> BedrockModel:
    """A ``BedrockModel`` with greedy decoding (temperature 0, top-k 1), as AWS advises for Nova tool use.

    Each model family names top-k its own way (``agent/models/catalog.py``): Nova inside
    ``inferenceConfig.topK``, Anthropic as ``top_k`` (and refuses unknown fields). A model outside the
    catalog gets Nova's form.

    Args:
        settings: Model id and region come from here.
        endpoint_url: Override the Bedrock Runtime endpoint (tests point it at a local fake).
        **client_config: Extra botocore ``Config`` arguments (e.g. ``retries`` in tests).
    """
    config = Config(
        connect_timeout=5,
        read_timeout=60,
        retries=client_config.pop("retries", dict(BOTO_RETRIES)),
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
        additional_request_fields=greedy_fields(settings.model_id),
    )
