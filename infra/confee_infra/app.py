"""Assemble the three stacks (one ``cdk deploy --all``) and register cdk-nag on the app."""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk

from confee_infra import nag
from confee_infra.config import InfraConfig
from confee_infra.stacks.agentcore_stack import AgentCoreStack
from confee_infra.stacks.api_stack import ApiStack
from confee_infra.stacks.frontend_stack import FrontendStack

AGENT_STACK = "ConfeeAgentCoreStack"
API_STACK = "ConfeeApiStack"
FRONTEND_STACK = "ConfeeFrontendStack"


@dataclass(frozen=True)
class ConfeeStacks:
    """The stacks of one app, wired by object reference."""

    agent: AgentCoreStack
    api: ApiStack
    frontend: FrontendStack


def build(app: cdk.App, config: InfraConfig, *, with_nag: bool = True) -> ConfeeStacks:
    """Add the Confee stacks to ``app``.

    Args:
        app: The CDK app.
        config: Validated configuration; its input folders are checked here, before any construct exists.
        with_nag: Register the cdk-nag AWS Solutions checks (fail synth on unacknowledged findings).
    """
    config.check_sources()
    env = cdk.Environment(account=config.account, region=config.region)
    agent = AgentCoreStack(app, AGENT_STACK, config=config, env=env, description="Confee: AgentCore runtime")
    # The export exists either way, so a deploy with confee:agentRuntimeArn changes only the API stack.
    runtime_import = agent.runtime_arn_reference()
    api = ApiStack(
        app,
        API_STACK,
        config=config,
        runtime_arn=config.agent_runtime_arn or runtime_import,
        signals=agent.signals,
        env=env,
        description="Confee: Chat API",
    )
    frontend = FrontendStack(
        app,
        FRONTEND_STACK,
        config=config,
        api=api.api,
        origin_secret=api.firewall.origin_secret if api.firewall else None,
        env=env,
        description="Confee: SPA",
    )
    api.add_stack_dependency(agent)
    frontend.add_stack_dependency(api)
    for stack in (agent, api, frontend):
        cdk.Tags.of(stack).add("project", "confee")
    if with_nag:
        nag.register(app)
    return ConfeeStacks(agent=agent, api=api, frontend=frontend)
