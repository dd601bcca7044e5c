"""Which workbench settings can work on this machine, and why not: checked before the first question.

Nothing here calls AWS or connpass. AWS credentials are looked up along botocore's own chain (environment,
profiles and SSO, credential files, ``credential_process``) with the two providers that would send a request
left out: the EC2 instance metadata service and the container credentials endpoint (for the latter, its
environment variable is taken as the answer).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

from agent.config import Settings
from agent.models import catalog

_NETWORK_PROVIDERS = ("iam-role", "container-role")
_CONTAINER_VARIABLES = ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI")


@dataclass(frozen=True)
class Availability:
    """Reasons, in Japanese, why a kind of setting cannot work (``None``: it can).

    Attributes:
        aws: Why Bedrock models and runtime ARNs cannot be used (no credentials, no region).
        connpass: Why the connpass API cannot be used (no key).
        mirror: Why the event mirror cannot be used (no ``CONFEE_MIRROR_URI``).
    """

    aws: str | None = None
    connpass: str | None = None
    mirror: str | None = None

    def model_reason(self, model: str) -> str | None:
        """Why ``model`` (``offline`` or a Bedrock id) cannot answer here."""
        if model == "offline":
            return None
        return self.aws or request_fields_reason(model)

    def source_reason(self, source: str) -> str | None:
        return {"connpass": self.connpass, "mirror": self.mirror}.get(source)

    def target_reason(self, target: str) -> str | None:
        return self.aws if target == "arn" else None


def check(base: Settings) -> Availability:
    """What this machine can use, from ``base`` (the agent's settings from the environment) and AWS's chain."""
    return Availability(
        aws=aws_reason(base.region),
        connpass=None if base.has_connpass_key else "connpass の API キー（CONNPASS_API_KEY）が設定されていません",
        mirror=None if base.mirror_uri else "イベントミラーの場所（CONFEE_MIRROR_URI）が設定されていません",
    )


def aws_reason(region: str | None) -> str | None:
    """Why AWS cannot be called: no credentials along botocore's chain, or no region. ``None`` when both are there."""
    import botocore.credentials
    import botocore.session

    if any(os.environ.get(name) for name in _CONTAINER_VARIABLES):
        return None
    session = botocore.session.Session()
    resolver = botocore.credentials.create_credential_resolver(session)
    for name in _NETWORK_PROVIDERS:
        resolver.remove(name)
    try:
        credentials = resolver.load_credentials()
    except Exception as exc:  # a broken profile says why on the page instead of failing the whole app
        return f"AWS の認証情報を読み込めません（{type(exc).__name__}）"
    if credentials is None:
        return "AWS の認証情報が見つかりません"
    if not (region or session.get_config_variable("region")):
        return "AWS のリージョンが設定されていません（AWS_REGION）"
    return None


@functools.cache
def request_fields_reason(model_id: str) -> str | None:
    """Why the agent's Bedrock call cannot drive ``model_id``: it sends request fields the model refuses.

    ``agent/models/bedrock.py`` decides what Confee sends; the catalog says what each model accepts. Anthropic
    models refuse Nova's ``inferenceConfig.topK``. Building the Strands model sends nothing.
    """
    entry = catalog.find(model_id)
    if entry is None:
        return None
    from agent.models.bedrock import bedrock_model

    model = bedrock_model(Settings(model="bedrock", model_id=model_id, region="ap-northeast-1"))
    sent = model.get_config().get("additional_request_fields") or {}
    if dict(sent) == dict(entry.request_fields):
        return None
    return (
        f"{entry.name} には Nova 用のパラメータを送ってしまうため使えません"
        "（agent/models/bedrock.py がカタログの request_fields を送るようになるまで）"
    )
