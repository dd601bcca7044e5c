"""One typed, validated configuration for the CDK app, read from context once and handed to every stack.

Context keys (``cdk.json`` or ``cdk synth -c KEY=VALUE``; command-line values arrive as strings):

| key | default | meaning |
|---|---|---|
| ``confee:region`` | ``ap-northeast-1`` | region of all three stacks |
| ``confee:account`` | ``CDK_DEFAULT_ACCOUNT`` | account (unset: environment-agnostic account) |
| ``confee:modelId`` | ``apac.amazon.nova-micro-v1:0`` | Bedrock inference profile or foundation model id |
| ``confee:throttleRateLimit`` | ``10`` | API stage steady-state requests per second |
| ``confee:throttleBurstLimit`` | ``20`` | API stage burst |
| ``confee:allowedOrigins`` | none | extra browser origins for the API (list or comma-separated) |
| ``confee:agentIdleTimeoutMinutes`` | ``15`` | AgentCore session idle timeout |
| ``confee:agentMaxLifetimeHours`` | ``8`` | AgentCore session maximum lifetime |
| ``confee:mirrorSyncMinutes`` | ``30`` | how often the Sync Lambda refreshes the event mirror (5..1440) |
| ``confee:webAdapterLayerVersion`` | ``30`` | version of AWS's Lambda Web Adapter arm64 layer (>= 27, v1.0.0) |
| ``confee:alarmEmail`` | none | e-mail address subscribed to the alarm topic (confirm the subscription mail) |
| ``confee:agentRuntimeArn`` | none | runtime the Chat function invokes instead of the stack's own (to replace it) |
| ``confee:waf`` | ``false`` | put an AWS WAF web ACL (regional) on the API stage |
| ``confee:wafRateLimit`` | ``300`` | requests per client IP per 5 minutes before WAF answers 429 (10..2,000,000,000) |
| ``confee:allowedIps`` | none | CIDRs (list or comma-separated) allowed to use the API, all others blocked (with WAF) |
| ``confee:agentDir`` / ``confee:agentDockerfile`` | ``../agent`` / ``Dockerfile`` | agent image build context |
| ``confee:proxyDir`` | ``../proxy`` | the Chat API package: ``run.sh``, ``requirements.txt``, ``openapi.yaml`` |
| ``confee:spaDistDir`` | ``../spa/dist`` | built SPA |

Relative paths are resolved against ``infra/`` (where ``cdk.json`` lives), not the working directory.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from confee_infra import web_adapter

INFRA_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = INFRA_DIR.parent

CONTEXT_PREFIX = "confee:"
DEFAULT_REGION = "ap-northeast-1"
DEFAULT_MODEL_ID = "apac.amazon.nova-micro-v1:0"
#: What the Sync Lambda installs next to the ``agent`` package (httpx, boto3), relative to ``agent_dir``.
SYNC_REQUIREMENTS = "requirements-sync.txt"
#: Pins of the transitive dependencies, shared with the agent image, relative to ``agent_dir``.
AGENT_CONSTRAINTS = "constraints.txt"

#: Cross-region inference profile prefixes (``apac.amazon.nova-micro-v1:0`` routes to ``amazon.nova-micro-v1:0``).
INFERENCE_PROFILE_PREFIXES = frozenset({"us", "eu", "apac", "jp", "au", "ca", "us-gov", "global"})

#: The Chat function's start script inside ``proxy_dir``: the Web Adapter's wrapper runs it as the handler.
CHAT_START_SCRIPT = "run.sh"

#: Bounds of ``confee:mirrorSyncMinutes``: a sync reads a few hundred pages at 1 req/s (minutes), and a
#: snapshot older than a day is stale for "this week" questions.
MIRROR_SYNC_MINUTES_MIN = 5
MIRROR_SYNC_MINUTES_MAX = 1440

#: Bounds of ``confee:wafRateLimit`` (AWS WAF RateBasedStatement ``Limit``: 10..2,000,000,000 per evaluation window).
WAF_RATE_LIMIT_MIN = 10
WAF_RATE_LIMIT_MAX = 2_000_000_000
#: At most this many allow-listed CIDRs (an IP set holds 10,000; a longer list is not an allow-list).
MAX_ALLOWED_IPS = 100

_REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_ACCOUNT_RE = re.compile(r"^\d{12}$")
_MODEL_ID_RE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(:[a-z0-9]+)?$")
_ORIGIN_RE = re.compile(r"^(https://[a-z0-9.-]+(:\d+)?|http://(localhost|127\.0\.0\.1)(:\d+)?)$")
#: One address, no display name: a local part, "@", a domain with a dot (what SNS e-mail subscriptions accept).
_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
#: An AgentCore runtime ARN (the runtime id is its name, a hyphen and ten characters).
_RUNTIME_ARN_RE = re.compile(
    r"^arn:aws[a-z-]*:bedrock-agentcore:[a-z0-9-]+:\d{12}:runtime/[A-Za-z][A-Za-z0-9_]{0,47}-[A-Za-z0-9]{10}$"
)

#: Equivalent of the Chat API request schema (``proxy/openapi.yaml``), used when that file is absent.
FALLBACK_CHAT_REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["message", "session_id"],
    "additionalProperties": False,
    "properties": {
        "message": {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": "\\S"},
        "session_id": {
            "type": "string",
            "minLength": 33,
            "maxLength": 256,
            "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]*$",
        },
        "turn": {"type": "integer", "minimum": 0},
    },
}


class InfraConfigError(ValueError):
    """The CDK context holds a value the app cannot deploy; the message names the key and the fix."""


@dataclass(frozen=True)
class InfraConfig:
    """Everything the stacks need to know, validated at synth.

    Attributes:
        region: Region of every stack.
        account: AWS account, or ``None`` for an account-agnostic synth.
        model_id: Bedrock inference profile (``apac.…``) or foundation model id.
        throttle_rate_limit: API stage requests per second.
        throttle_burst_limit: API stage burst.
        allowed_origins: Browser origins allowed to call the API directly (CloudFront is same-origin).
        agent_idle_timeout_minutes: AgentCore idle session timeout (the agent's session TTL matches it).
        agent_max_lifetime_hours: AgentCore maximum session lifetime.
        mirror_sync_minutes: Interval of the scheduled mirror sync (every run reads all upcoming events at 1 req/s).
        web_adapter_layer_version: Version of the AWS Lambda Web Adapter arm64 layer the Chat function runs on.
        alarm_email: Address subscribed to the alarm topic, or ``None`` (alarms still go to the topic).
        agent_runtime_arn: A literal runtime ARN for the Chat function instead of the import of the AgentCore
            stack's export; frees the export so the runtime can be replaced (docs/deployment.md).
        waf: Whether a regional AWS WAF web ACL protects the API stage.
        waf_rate_limit: Requests one client IP may send in 5 minutes before WAF answers 429.
        allowed_ips: CIDRs allowed to use the API when ``waf`` is on (empty: everyone), normalised (``192.0.2.0/24``).
        agent_dir: Docker build context of the agent image.
        agent_dockerfile: Dockerfile path relative to ``agent_dir``.
        proxy_dir: The ``proxy`` package (the Chat API app, ``run.sh``, ``requirements.txt``, ``openapi.yaml``).
        spa_dist_dir: The built SPA (``index.html`` at its root).
    """

    region: str = DEFAULT_REGION
    account: str | None = None
    model_id: str = DEFAULT_MODEL_ID
    throttle_rate_limit: float = 10.0
    throttle_burst_limit: int = 20
    allowed_origins: tuple[str, ...] = ()
    agent_idle_timeout_minutes: int = 15
    agent_max_lifetime_hours: int = 8
    mirror_sync_minutes: int = 30
    web_adapter_layer_version: int = web_adapter.DEFAULT_LAYER_VERSION
    alarm_email: str | None = None
    agent_runtime_arn: str | None = None
    waf: bool = False
    waf_rate_limit: int = 300
    allowed_ips: tuple[str, ...] = ()
    agent_dir: Path = field(default=REPO_DIR / "agent")
    agent_dockerfile: str = "Dockerfile"
    proxy_dir: Path = field(default=REPO_DIR / "proxy")
    spa_dist_dir: Path = field(default=REPO_DIR / "spa" / "dist")

    def __post_init__(self) -> None:
        if not _REGION_RE.match(self.region):
            raise InfraConfigError(f"confee:region must look like 'ap-northeast-1', got {self.region!r}")
        if self.account is not None and not _ACCOUNT_RE.match(self.account):
            raise InfraConfigError(f"confee:account must be 12 digits, got {self.account!r}")
        if not _MODEL_ID_RE.match(self.model_id):
            raise InfraConfigError(f"confee:modelId is not a Bedrock model id: {self.model_id!r}")
        if not 0 < self.throttle_rate_limit <= 10_000:
            raise InfraConfigError("confee:throttleRateLimit must be in (0, 10000]")
        if not 1 <= self.throttle_burst_limit <= 5_000:
            raise InfraConfigError("confee:throttleBurstLimit must be in [1, 5000]")
        for origin in self.allowed_origins:
            if not _ORIGIN_RE.match(origin):
                raise InfraConfigError(
                    f"confee:allowedOrigins entry {origin!r} must be https://host[:port] or http://localhost[:port]"
                )
        if not 1 <= self.agent_idle_timeout_minutes <= 480:
            raise InfraConfigError("confee:agentIdleTimeoutMinutes must be 1..480")
        if not 1 <= self.agent_max_lifetime_hours <= 8:
            raise InfraConfigError("confee:agentMaxLifetimeHours must be 1..8")
        if self.agent_idle_timeout_minutes > self.agent_max_lifetime_hours * 60:
            raise InfraConfigError("confee:agentIdleTimeoutMinutes cannot exceed the maximum lifetime")
        if not MIRROR_SYNC_MINUTES_MIN <= self.mirror_sync_minutes <= MIRROR_SYNC_MINUTES_MAX:
            raise InfraConfigError(
                f"confee:mirrorSyncMinutes must be {MIRROR_SYNC_MINUTES_MIN}..{MIRROR_SYNC_MINUTES_MAX} "
                f"(minutes between mirror syncs; a sync takes a few minutes at connpass's 1 request/second), "
                f"got {self.mirror_sync_minutes!r}"
            )
        if self.web_adapter_layer_version < web_adapter.MIN_LAYER_VERSION:
            raise InfraConfigError(
                f"confee:webAdapterLayerVersion must be >= {web_adapter.MIN_LAYER_VERSION} (Lambda Web Adapter v1.0.0, "
                f"whose settings the Chat function uses), got {self.web_adapter_layer_version!r}"
            )
        try:
            web_adapter.layer_arn(self.region, self.web_adapter_layer_version)
        except web_adapter.WebAdapterError as exc:
            raise InfraConfigError(f"confee:region: {exc}") from exc
        self._check_alarms_and_waf()

    def _check_alarms_and_waf(self) -> None:
        if self.agent_runtime_arn is not None and not _RUNTIME_ARN_RE.match(self.agent_runtime_arn):
            raise InfraConfigError(
                "confee:agentRuntimeArn must be an AgentCore runtime ARN such as "
                f"arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/confee_agent-AbCdE12345, "
                f"got {self.agent_runtime_arn!r}"
            )
        if self.alarm_email is not None and not _EMAIL_RE.match(self.alarm_email):
            raise InfraConfigError(
                f"confee:alarmEmail must be one e-mail address such as ops@example.com, got {self.alarm_email!r}"
            )
        if not WAF_RATE_LIMIT_MIN <= self.waf_rate_limit <= WAF_RATE_LIMIT_MAX:
            raise InfraConfigError(
                f"confee:wafRateLimit must be {WAF_RATE_LIMIT_MIN}..{WAF_RATE_LIMIT_MAX:,} requests per client IP per "
                f"5 minutes (AWS WAF's rate-based rule limits), got {self.waf_rate_limit!r}"
            )
        if self.allowed_ips and not self.waf:
            raise InfraConfigError(
                "confee:allowedIps is enforced by the WAF web ACL: set confee:waf=true as well (or drop the list)"
            )
        if len(self.allowed_ips) > MAX_ALLOWED_IPS:
            raise InfraConfigError(
                f"confee:allowedIps holds at most {MAX_ALLOWED_IPS} CIDRs, got {len(self.allowed_ips)}"
            )
        for cidr in self.allowed_ips:
            try:
                normal = _cidr(cidr)
            except ValueError as exc:
                raise InfraConfigError(f"confee:allowedIps: {exc}") from exc
            if normal != cidr:
                raise InfraConfigError(f"confee:allowedIps entry {cidr!r} is not in normal form ({normal!r})")

    @property
    def is_inference_profile(self) -> bool:
        """Whether ``model_id`` names a cross-region inference profile rather than a foundation model."""
        return self.model_id.split(".", 1)[0] in INFERENCE_PROFILE_PREFIXES

    @property
    def foundation_model_id(self) -> str:
        """The foundation model the id routes to (``apac.amazon.nova-micro-v1:0`` → ``amazon.nova-micro-v1:0``)."""
        return self.model_id.split(".", 1)[1] if self.is_inference_profile else self.model_id

    def check_sources(self) -> None:
        """Fail early, with the command that fixes it, when an input folder is missing.

        Raises:
            InfraConfigError: The agent Dockerfile or sync requirements, the Chat API's start script or requirements,
                or the SPA build is missing.
        """
        dockerfile = self.agent_dir / self.agent_dockerfile
        if not dockerfile.is_file():
            raise InfraConfigError(f"agent image needs {dockerfile} (confee:agentDir / confee:agentDockerfile)")
        sync_requirements = self.agent_dir / SYNC_REQUIREMENTS
        if not sync_requirements.is_file():
            raise InfraConfigError(f"the mirror's Sync Lambda needs {sync_requirements} (confee:agentDir)")
        chat_files = ((CHAT_START_SCRIPT, "the Chat function's start script"), ("requirements.txt", "its packages"))
        for name, role in chat_files:
            if not (self.proxy_dir / name).is_file():
                raise InfraConfigError(f"missing {self.proxy_dir}/{name}, {role} (confee:proxyDir)")
        if not (self.spa_dist_dir / "index.html").is_file():
            raise InfraConfigError(
                f"missing {self.spa_dist_dir}/index.html: build the SPA first (cd spa && npm ci && npm run build)"
            )

    @classmethod
    def from_context(cls, context: Mapping[str, Any], *, default_account: str | None = None) -> InfraConfig:
        """Build the config from CDK context (``app.node.get_all_context()``); keys without the prefix are ignored.

        Args:
            context: All context values; only ``confee:*`` keys are read, and unknown ones are refused.
            default_account: Account used when ``confee:account`` is unset (``CDK_DEFAULT_ACCOUNT``).

        Raises:
            InfraConfigError: A key is unknown (a typo would otherwise be ignored silently) or a value is malformed.
        """
        values = {key: value for key, value in context.items() if key.startswith(CONTEXT_PREFIX)}
        unknown = sorted(set(values) - set(_KEYS))
        if unknown:
            raise InfraConfigError(f"unknown context keys: {', '.join(unknown)} (known: {', '.join(_KEYS)})")
        kwargs: dict[str, Any] = {}
        for key, (attr, parse) in _KEYS.items():
            if values.get(key) not in ("", None):
                try:
                    kwargs[attr] = parse(values[key])
                except (TypeError, ValueError) as exc:
                    raise InfraConfigError(f"{key}: {exc}") from exc
        if "account" not in kwargs and default_account:
            kwargs["account"] = default_account
        return cls(**kwargs)


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value.strip()


def _int(value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(f"expected an integer, got {value!r}")
    return int(value)


def _float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"expected true or false, got {value!r}")


def _cidr(value: str) -> str:
    """``value`` as a network in normal form (``192.0.2.7`` → ``192.0.2.7/32``); host bits must be zero."""
    try:
        return str(ipaddress.ip_network(value.strip(), strict=True))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not an IPv4/IPv6 address or CIDR such as 203.0.113.0/24 ({exc})") from exc


def _cidrs(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
        raise TypeError(f"expected a list of CIDRs or a comma-separated string, got {value!r}")
    networks = tuple(_cidr(item) for item in items if item.strip())
    return tuple(dict.fromkeys(networks))  # duplicates dropped, order kept


def _origins(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
        raise TypeError(f"expected a list of origins or a comma-separated string, got {value!r}")
    return tuple(item.strip().rstrip("/") for item in items if item.strip())


def _path(value: Any) -> Path:
    path = Path(_str(value)).expanduser()
    return (path if path.is_absolute() else INFRA_DIR / path).resolve()


_KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "confee:region": ("region", _str),
    "confee:account": ("account", _str),
    "confee:modelId": ("model_id", _str),
    "confee:throttleRateLimit": ("throttle_rate_limit", _float),
    "confee:throttleBurstLimit": ("throttle_burst_limit", _int),
    "confee:allowedOrigins": ("allowed_origins", _origins),
    "confee:agentIdleTimeoutMinutes": ("agent_idle_timeout_minutes", _int),
    "confee:agentMaxLifetimeHours": ("agent_max_lifetime_hours", _int),
    "confee:mirrorSyncMinutes": ("mirror_sync_minutes", _int),
    "confee:webAdapterLayerVersion": ("web_adapter_layer_version", _int),
    "confee:alarmEmail": ("alarm_email", _str),
    "confee:agentRuntimeArn": ("agent_runtime_arn", _str),
    "confee:waf": ("waf", _bool),
    "confee:wafRateLimit": ("waf_rate_limit", _int),
    "confee:allowedIps": ("allowed_ips", _cidrs),
    "confee:agentDir": ("agent_dir", _path),
    "confee:agentDockerfile": ("agent_dockerfile", _str),
    "confee:proxyDir": ("proxy_dir", _path),
    "confee:spaDistDir": ("spa_dist_dir", _path),
}
