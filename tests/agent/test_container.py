"""The agent image: what the Dockerfile copies and runs (no Docker daemon here; CDK builds it at deploy time).

The second test rebuilds the image's file layout (agent/ as /app/agent, minus .dockerignore) in a temp dir and
starts the server from there, proving the package is self-contained: it imports nothing from proxy/ or tests/.
"""

from __future__ import annotations

import fnmatch
import shutil
from pathlib import Path

import httpx

from tests.fixtures.agent_server import running_agent_server

AGENT = Path(__file__).resolve().parents[2] / "agent"


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (instruction, arguments) pairs, continuation lines joined."""
    text = (AGENT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(kind, " ".join(rest.split())) for kind, _, rest in (line.partition(" ") for line in lines)]


def test_dockerfile_builds_a_small_arm64_non_root_image() -> None:
    steps = instructions()
    kinds = [kind for kind, _ in steps]
    assert steps[0] == ("FROM", "--platform=linux/arm64 python:3.13-slim-bookworm")
    copies = [arg for kind, arg in steps if kind == "COPY"]
    assert copies == ["requirements.txt requirements-observability.txt constraints.txt /app/", ". /app/agent"]
    install = (
        "pip install --no-compile -r /app/requirements.txt -r /app/requirements-observability.txt"
        " -c /app/constraints.txt"
    )
    assert ("RUN", install) in steps
    user = next(arg for kind, arg in steps if kind == "USER")
    assert user not in ("root", "0")
    assert kinds.index("USER") < kinds.index("CMD")
    assert ("EXPOSE", "8080") in steps
    # Under ADOT's opentelemetry-instrument: the runtime's traces reach CloudWatch.
    serve = '["opentelemetry-instrument", "python", "-m", "agent", "serve", "--host", "0.0.0.0", "--port", "8080"]'
    assert steps[-1] == ("CMD", serve)


def test_agent_requirements_are_pinned_and_agent_only() -> None:
    requirements = [line for line in (AGENT / "requirements.txt").read_text().splitlines() if line and line[0] != "#"]
    assert all("==" in line for line in requirements)
    names = {line.split("==")[0].lower() for line in requirements}
    assert "strands-agents" in names and "bedrock-agentcore" in names
    assert not names & {"streamlit", "pytest", "aws-cdk-lib", "playwright"}


def test_image_constraints_pin_every_direct_requirement_at_the_same_version() -> None:
    def pins(name: str) -> dict[str, str]:
        lines = (AGENT / name).read_text().splitlines()
        return dict(line.lower().split("==") for line in lines if line and not line.startswith("#"))

    direct = pins("requirements.txt") | pins("requirements-observability.txt")
    locked = pins("constraints.txt")
    assert {name: locked.get(name) for name in direct} == direct
    assert len(locked) > len(direct)  # the transitive packages are pinned too
    sync = pins("requirements-sync.txt")  # the Sync Lambda installs the image's versions of what it shares
    assert {name: locked.get(name) for name in sync} == sync


def _image_layout(root: Path) -> Path:
    ignored = [p.strip() for p in (AGENT / ".dockerignore").read_text().splitlines() if p.strip()]

    def ignore(directory: str, names: list[str]) -> list[str]:
        return [n for n in names if any(fnmatch.fnmatch(n, p.rstrip("/")) for p in ignored)]

    shutil.copytree(AGENT, root / "agent", ignore=ignore)
    return root


def test_image_layout_serves_ping_on_its_own(tmp_path: Path) -> None:
    app = _image_layout(tmp_path)
    assert not (app / "agent" / "Dockerfile").exists()
    # PYTHONSAFEPATH keeps the repository off sys.path: only the copied package can be imported.
    with running_agent_server({"PYTHONSAFEPATH": "1", "PYTHONPATH": str(app)}, cwd=app) as url:
        assert httpx.get(f"{url}/ping", timeout=5).json()["status"] == "Healthy"
        answer = httpx.post(
            f"{url}/invocations",
            json={"prompt": "こんにちは"},
            headers={"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": "container-check-" + "c" * 24},
            timeout=30,
        ).json()
    assert answer.get("response"), answer
