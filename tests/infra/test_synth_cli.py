"""``npx cdk synth`` with the pinned 2.x CLI (infra/package.json): the CLI must read this library's assembly.

Needs ``npm ci`` in infra/ first. The CLI runs offline: no credentials, no IMDS, no notices, no
version check, no telemetry, and (where the kernel allows it) an empty network namespace.
``--exclusively ConfeeFrontendStack`` keeps the CLI from bundling the Chat and Sync Lambdas, which
would download the pinned boto3 and httpx from PyPI; the app still synthesizes (and cdk-nag checks)
all three stacks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from confee_infra.app import AGENT_STACK, API_STACK, FRONTEND_STACK
from tests.infra import INFRA_DIR
from tests.infra.helpers import Sources

pytestmark = pytest.mark.synth

CLI = INFRA_DIR / "node_modules" / ".bin" / "cdk"


def offline_prefix() -> list[str]:
    """``unshare -n`` when this machine lets us drop the network (root in CI), else nothing."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True, check=False).returncode == 0:
        return [unshare, "-n"]
    return []


def cli_environment(home: Path) -> dict[str, str]:
    keep = {"PATH", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env.update(
        {
            "HOME": str(home),  # no ~/.aws, no ~/.cdk.json of the person running the tests
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "CDK_DISABLE_VERSION_CHECK": "1",
            "CDK_DISABLE_CLI_TELEMETRY": "true",
            "NPM_CONFIG_UPDATE_NOTIFIER": "false",
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        }
    )
    return env


def test_pinned_cli_synthesizes_the_app(sources: Sources, tmp_path: Path) -> None:
    if not (INFRA_DIR / "node_modules").is_dir():
        pytest.skip("infra/node_modules is absent: run `npm ci` in infra/ (the Makefile does)")
    assert CLI.exists(), "infra/node_modules has no cdk binary: rerun `npm ci` in infra/"
    version = json.loads((INFRA_DIR / "node_modules" / "aws-cdk" / "package.json").read_text())["version"]
    assert version.startswith("2.1148."), f"the 2.x CLI line is required, found aws-cdk {version}"

    outdir = tmp_path / "cdk.out"
    context = [arg for key, value in sources.context().items() for arg in ("-c", f"{key}={value}")]
    command = [
        *offline_prefix(),
        "npx",
        "--no-install",
        "cdk",
        "synth",
        "--exclusively",
        FRONTEND_STACK,
        "--quiet",
        "--no-notices",
        "--no-version-reporting",
        "-o",
        str(outdir),
        *context,
    ]
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(
        command, cwd=INFRA_DIR, env=cli_environment(home), capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"cdk synth failed:\n{done.stdout}\n{done.stderr}"

    manifest = json.loads((outdir / "manifest.json").read_text())
    stacks = {name for name, a in manifest["artifacts"].items() if a["type"] == "aws:cloudformation:stack"}
    assert stacks == {AGENT_STACK, API_STACK, FRONTEND_STACK}
    report = json.loads((outdir / "validation-report.json").read_text())
    assert [p["conclusion"] for p in report["pluginReports"]] == ["success"]
    template = json.loads((outdir / f"{FRONTEND_STACK}.template.json").read_text())
    assert "SiteUrl" in template["Outputs"]
