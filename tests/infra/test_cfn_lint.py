"""cfn-lint over every CloudFormation template the CDK app synthesizes, in both synths the suite makes.

The templates come from the session synths of ``conftest.py`` (default context, and WAF on with an allow-list, an
alarm e-mail and another runtime ARN): nothing is synthesized again. cfn-lint runs in process, through its Runner
(what ``cfnlint.api.lint`` uses), built once so its rules and resource schemas load once: a second or so per
template. Each template is linted for the region its stack deploys to, with cfn-lint's default rule set (errors and
warnings; no network: the resource specs ship with the package).

Errors are never acceptable. A warning may be kept only when its rule id is in ``IGNORED`` with the reason; an
ignore that no longer matches anything fails too, so the list stays true.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from cfnlint.config import ConfigMixIn
from cfnlint.runner import Runner

from confee_infra.app import AGENT_STACK, API_STACK, FRONTEND_STACK
from tests.infra.helpers import Synth

#: Warnings kept, by rule id, with why.
IGNORED: dict[str, str] = {
    "W3005": (
        "DependsOn already implied by a Ref/GetAtt. node.add_dependency(role) (CDK's own lambda.Function and "
        "custom-resource providers, ours in python_function.py and mirror.py, the AgentCore runtime) puts the role "
        "next to its DefaultPolicy in DependsOn: the DefaultPolicy is the dependency that matters (the policy must "
        "be in place before the function or schedule first uses the role), the role entry is merely redundant. "
        "The WAF association's explicit DependsOn on the stage is kept on purpose (test_waf.py). Redundant, never "
        "missing, and CloudFormation orders the same either way."
    ),
}

STACKS = {AGENT_STACK, API_STACK, FRONTEND_STACK}


@pytest.fixture(scope="module")
def runners() -> dict[str, Runner]:
    """One cfn-lint runner per region, created on first use (loading the rules takes about a second)."""
    return {}


def lint(runners: dict[str, Runner], template: dict[str, Any], region: str) -> list[Any]:
    if region not in runners:
        runners[region] = Runner(ConfigMixIn(regions=[region]))
    # A JSON round trip: cfn-lint walks plain dicts and lists (the assembly hands out jsii-backed mappings).
    return list(runners[region].validate_template(json.loads(json.dumps(template))))


def describe(match: Any) -> str:
    return f"{match.rule.id} {'/'.join(str(part) for part in match.path)}: {match.message}"


def test_every_template_passes_cfn_lint(synth: Synth, waf_synth: Synth, runners: dict[str, Runner]) -> None:
    problems: list[str] = []
    ignored_seen: set[str] = set()
    for state, synthesized in (("default", synth), ("waf", waf_synth)):
        stacks = synthesized.assembly.stacks
        assert {stack.stack_name for stack in stacks} == STACKS  # a new stack is linted too, once listed here
        for stack in stacks:
            region = stack.environment.region
            for match in lint(runners, stack.template, region):
                if match.rule.id in IGNORED and not match.rule.id.startswith("E"):
                    ignored_seen.add(match.rule.id)
                else:
                    problems.append(f"[{state}] {stack.stack_name} ({region}) {describe(match)}")
    assert not problems, "\n".join(problems)
    assert ignored_seen == set(IGNORED), f"ignores that match nothing any more: {set(IGNORED) - ignored_seen}"


def test_cfn_lint_reports_a_broken_template(runners: dict[str, Runner]) -> None:
    """The linter is live: an unknown property on a bucket is an error."""
    template = {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"NoSuchProperty": True}}}}
    assert [match.rule.id for match in lint(runners, template, "ap-northeast-1")] == ["E3002"]
