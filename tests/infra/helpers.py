"""Helpers for the CDK tests: import path, input folders, one synth of the whole app.

Inputs (agent image folder, proxy package, SPA build) are the real folders when they exist; a
missing one is replaced by a minimal placeholder so the infrastructure can be tested on its own.
Bundling is skipped (``aws:cdk:bundling-stacks = []``): it would download the pinned boto3 and httpx
from PyPI. The bundler itself is tested offline against fake wheels (``make_wheel``) in
``test_bundling.py`` and ``test_mirror.py``.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from confee_infra.app import ConfeeStacks, build
from confee_infra.config import InfraConfig
from confee_infra.observability import AgentSignals
from tests.infra import INFRA_DIR

REPO_DIR = INFRA_DIR.parent


@dataclass(frozen=True)
class Sources:
    """Input folders for a synth, as ``confee:*`` context overrides."""

    agent_dir: Path
    proxy_dir: Path
    spa_dist_dir: Path

    def context(self) -> dict[str, str]:
        return {
            "confee:agentDir": str(self.agent_dir),
            "confee:proxyDir": str(self.proxy_dir),
            "confee:spaDistDir": str(self.spa_dist_dir),
        }


@dataclass(frozen=True)
class Synth:
    """One synthesized app: the constructs, the cloud assembly and parsed templates."""

    stacks: ConfeeStacks
    assembly: cdk.cx_api.CloudAssembly
    outdir: Path

    def template(self, stack_name: str) -> Template:
        return Template.from_json(self.assembly.get_stack_by_name(stack_name).template)

    def raw(self, stack_name: str) -> dict[str, Any]:
        return dict(self.assembly.get_stack_by_name(stack_name).template)


def cdk_json_context() -> dict[str, Any]:
    """The context ``cdk.json`` gives the CLI (feature flags and ``confee:*`` defaults); pytest must pass it."""
    return dict(json.loads((INFRA_DIR / "cdk.json").read_text(encoding="utf-8"))["context"])


def make_sources(root: Path) -> Sources:
    """Real input folders where they exist, else minimal placeholders under ``root``."""
    agent = REPO_DIR / "agent"
    if not (agent / "Dockerfile").is_file():
        agent = root / "agent"
        (agent / "mirror").mkdir(parents=True, exist_ok=True)
        (agent / "Dockerfile").write_text("FROM public.ecr.aws/docker/library/python:3.13-slim\n")
        (agent / "__init__.py").write_text("")
        (agent / "mirror" / "__init__.py").write_text("")
        (agent / "mirror" / "lambda_handler.py").write_text("def handler(event, context):\n    return None\n")
        (agent / "requirements.txt").write_text("strands-agents==1.62.0\nhttpx==0.28.1\n")
        (agent / "requirements-sync.txt").write_text("httpx==0.28.1\nboto3==1.44.5\nbotocore==1.44.5\n")
    proxy = REPO_DIR / "proxy"
    if not all((proxy / name).is_file() for name in ("run.sh", "app.py", "requirements.txt")):
        proxy = make_proxy(root / "proxy")
    spa = REPO_DIR / "spa" / "dist"
    if not (spa / "index.html").is_file():
        spa = root / "spa-dist"
        spa.mkdir(parents=True, exist_ok=True)
        (spa / "index.html").write_text("<!doctype html><title>Confee</title>\n")
    return Sources(agent_dir=agent, proxy_dir=proxy, spa_dist_dir=spa)


#: What the placeholder Chat API needs in its bundle (the real proxy/requirements.txt pins these and more).
PLACEHOLDER_PROXY_REQUIREMENTS = "boto3==1.44.5\nbotocore==1.44.5\nstarlette==1.10.0\nuvicorn==0.54.0\n"


def make_proxy(proxy: Path) -> Path:
    """A minimal stand-in for ``proxy/``: the ASGI app module, the start script (not executable: the bundler's
    job), the requirements."""
    proxy.mkdir(parents=True, exist_ok=True)
    (proxy / "__init__.py").write_text("")
    (proxy / "app.py").write_text("async def app(scope, receive, send):\n    return None\n")
    (proxy / "run.sh").write_text('#!/bin/sh\nexec python -m uvicorn proxy.app:app --port "${AWS_LWA_PORT:-8080}"\n')
    (proxy / "run.sh").chmod(0o644)
    (proxy / "requirements.txt").write_text(PLACEHOLDER_PROXY_REQUIREMENTS)
    return proxy


def synthesize(outdir: Path, sources: Sources, overrides: dict[str, Any] | None = None) -> Synth:
    """Build and synthesize the whole app with cdk-nag, as ``cdk synth`` would (minus bundling)."""
    context = {**cdk_json_context(), **sources.context(), **(overrides or {}), "aws:cdk:bundling-stacks": []}
    app = cdk.App(outdir=str(outdir), context=context)
    stacks = build(app, InfraConfig.from_context(context))
    return Synth(stacks=stacks, assembly=app.synth(), outdir=outdir)


#: What active X-Ray tracing adds to a function's role (IAM knows no narrower resource for these actions).
XRAY_STATEMENT = {"Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], "Effect": "Allow", "Resource": "*"}


def standalone_signals(app: cdk.App, region: str) -> AgentSignals:
    """What the API stack needs from the agent stack, when it is synthesized alone: a topic in a stack of its own."""
    stack = cdk.Stack(app, "AgentSignals", env=cdk.Environment(region=region))
    return AgentSignals(topic=sns.Topic(stack, "AlarmTopic"))


def resources_of(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Logical id → resource for every resource of one type (tests assert properties, not ids)."""
    return {key: value for key, value in template["Resources"].items() if value["Type"] == resource_type}


def statements_of(template: dict[str, Any]) -> list[dict[str, Any]]:
    """Every IAM policy statement in a template (inline policies of roles and AWS::IAM::Policy)."""
    found: list[dict[str, Any]] = []
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Policy":
            found.extend(props["PolicyDocument"]["Statement"])
        if resource["Type"] == "AWS::IAM::Role":
            for policy in props.get("Policies", []):
                found.extend(policy["PolicyDocument"]["Statement"])
    return found


def policy_statements_of_role(template: dict[str, Any], role_ref: dict[str, Any]) -> list[dict[str, Any]]:
    """Statements of the ``AWS::IAM::Policy`` resources attached to one role (``{"Fn::GetAtt": [id, "Arn"]}``)."""
    role_id = role_ref["Fn::GetAtt"][0]
    found: list[dict[str, Any]] = []
    for policy in resources_of(template, "AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            found.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


#: Import names of distributions whose top-level package is not their normalised name.
TOP_LEVEL_PACKAGES = {"strands-agents": "strands", "bedrock-agentcore": "bedrock_agentcore"}


def make_wheel(directory: Path, name: str = "tinydep", version: str = "1.0") -> Path:
    """A minimal pure-Python wheel (a zip with dist-info metadata) whose package is ``name``'s import name."""
    directory.mkdir(parents=True, exist_ok=True)
    dist = re.sub(r"[-_.]+", "_", name).lower()
    package = TOP_LEVEL_PACKAGES.get(name, dist)
    path = directory / f"{dist}-{version}-py3-none-any.whl"
    info = f"{dist}-{version}.dist-info"
    files = {
        f"{package}/__init__.py": f'VERSION = "{version}"\n',
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{file},,\n" for file in files) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as archive:
        for file, text in files.items():
            archive.writestr(file, text)
        archive.writestr(f"{info}/RECORD", record)
    return path


def make_wheels_for(directory: Path, *requirements: Path) -> list[str]:
    """A fake wheel for every ``name==version`` pin of the requirements files; returns the names."""
    names: list[str] = []
    for requirements_file in requirements:
        for line in requirements_file.read_text(encoding="utf-8").splitlines():
            pin = line.split("#", 1)[0].strip()
            if "==" in pin:
                name, version = (part.strip() for part in pin.split("==", 1))
                make_wheel(directory, name, version)
                names.append(name)
    return names
