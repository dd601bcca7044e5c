"""Session fixtures: the whole app is synthesized once (jsii is slow) and shared by every CDK test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aws_cdk.assertions import Template

from confee_infra.app import AGENT_STACK, API_STACK, FRONTEND_STACK
from tests.infra.helpers import Sources, Synth, make_sources, synthesize


@pytest.fixture(scope="session")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Sources:
    return make_sources(tmp_path_factory.mktemp("sources"))


@pytest.fixture(scope="session")
def synth(sources: Sources, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synth]:
    yield synthesize(tmp_path_factory.mktemp("cdk.out"), sources)


#: A second app: WAF on with an allow-list of both address families, a custom rate, an alarm e-mail address, and
#: the Chat function pointed at a given runtime (the first step of replacing the runtime, docs/deployment.md).
OTHER_RUNTIME_ARN = "arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/confee_agent_next-AbCdE12345"
WAF_CONTEXT = {
    "confee:agentRuntimeArn": OTHER_RUNTIME_ARN,
    "confee:waf": "true",
    "confee:wafRateLimit": "120",
    "confee:allowedIps": "203.0.113.0/24, 198.51.100.7, 2001:db8::/32",
    "confee:alarmEmail": "ops@example.com",
}


@pytest.fixture(scope="session")
def waf_synth(sources: Sources, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synth]:
    yield synthesize(tmp_path_factory.mktemp("cdk.out-waf"), sources, WAF_CONTEXT)


@pytest.fixture(scope="session")
def agent_template(synth: Synth) -> Template:
    return synth.template(AGENT_STACK)


@pytest.fixture(scope="session")
def api_template(synth: Synth) -> Template:
    return synth.template(API_STACK)


@pytest.fixture(scope="session")
def frontend_template(synth: Synth) -> Template:
    return synth.template(FRONTEND_STACK)
