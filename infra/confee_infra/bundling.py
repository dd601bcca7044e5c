"""Bundle the proxy Lambdas with their pinned dependencies, locally and without Docker.

The Chat Lambda calls ``invoke_agent_runtime``; which boto3 the Lambda runtime ships is not ours to
choose, so ``proxy/requirements.txt`` (boto3 pinned) is installed into the bundle next to the
``proxy`` package. ``pip install --target`` with an explicit platform and Python version fetches the
wheels the Lambda will run (Linux, arm64) whatever the build machine is.

CDK does not hash the local bundler itself, only the source folder and the ``BundlingOptions``: the
bundler's own inputs therefore go into ``BundlingOptions.environment`` as a fingerprint, so a change
of target platform or Python version produces a new asset.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_

#: Bumped whenever the bundling steps below change in a way the fingerprint would not see.
BUNDLER_VERSION = "1"

#: What never belongs in a deployment package.
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache", "tests")


class BundlingError(RuntimeError):
    """pip could not produce the Lambda bundle (no registry access, or an unresolvable pin)."""


@jsii.implements(cdk.ILocalBundling)
class PipLocalBundling:
    """``ILocalBundling`` that writes ``<out>/<package>/…`` plus the pip-installed requirements.

    Args:
        source_dir: The package folder (``proxy/``), copied as ``<out>/<package_name>``.
        package_name: Import name of the package inside the bundle (handlers are ``proxy.handlers.…``).
        python_version: Lambda Python version the wheels must match, e.g. ``"3.14"``.
        platform: pip platform tag of the Lambda architecture.
        pip_command: How to run pip (tests may point it elsewhere); defaults to this interpreter's pip.
    """

    def __init__(
        self,
        *,
        source_dir: Path,
        package_name: str,
        python_version: str,
        platform: str,
        pip_command: tuple[str, ...] | None = None,
    ) -> None:
        self.source_dir = source_dir
        self.package_name = package_name
        self.python_version = python_version
        self.platform = platform
        self.pip_command = pip_command or (sys.executable, "-m", "pip")

    @property
    def requirements(self) -> Path:
        return self.source_dir / "requirements.txt"

    def pip_arguments(self, target: Path) -> list[str]:
        """The pip command line installing the pinned requirements for the Lambda's platform."""
        return [
            *self.pip_command,
            "install",
            "--disable-pip-version-check",
            "--no-compile",
            "--quiet",
            "--requirement",
            str(self.requirements),
            "--target",
            str(target),
            "--platform",
            self.platform,
            "--python-version",
            self.python_version,
            "--implementation",
            "cp",
            "--only-binary=:all:",
            "--upgrade",
        ]

    def fingerprint(self) -> str:
        """A digest of every bundling input CDK cannot see (it hashes only the source folder and options)."""
        requirements = self.requirements.read_text(encoding="utf-8") if self.requirements.is_file() else ""
        inputs = {
            "bundler": BUNDLER_VERSION,
            "python": self.python_version,
            "platform": self.platform,
            "package": self.package_name,
            "requirements": requirements,
        }
        return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]

    def try_bundle(self, output_dir: str, options: object = None, **_kwargs: object) -> bool:
        """Copy the package and pip-install its requirements into ``output_dir``.

        jsii passes the bundling options as one positional struct, while the generated typing spells
        them as keyword arguments; this signature satisfies both and ignores them (all inputs are ours).

        Returns:
            Always ``True``: a failure raises instead of silently falling back to Docker bundling.

        Raises:
            BundlingError: pip failed; its output is part of the message.
        """
        out = Path(output_dir)
        if self.requirements.is_file():
            result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
                self.pip_arguments(out), capture_output=True, text=True, check=False
            )
            if result.returncode != 0:
                raise BundlingError(
                    f"pip install -r {self.requirements} failed (exit {result.returncode}):\n"
                    f"{result.stdout}\n{result.stderr}"
                )
            shutil.rmtree(out / "bin", ignore_errors=True)  # console scripts are of no use in Lambda
        shutil.copytree(self.source_dir, out / self.package_name, ignore=IGNORED, dirs_exist_ok=True)
        return True


def package_code(
    source_dir: Path, *, package_name: str, runtime: lambda_.Runtime, architecture: lambda_.Architecture
) -> lambda_.Code:
    """Lambda code for a Python package with its pinned requirements.

    Args:
        source_dir: The package folder (may live anywhere; it is imported as ``package_name``).
        package_name: Import name inside the bundle.
        runtime: Lambda runtime; its version picks the wheels.
        architecture: Lambda architecture; picks the platform tag.
    """
    python_version = runtime.name.removeprefix("python")
    platform = "manylinux2014_aarch64" if architecture.name == "arm64" else "manylinux2014_x86_64"
    local = PipLocalBundling(
        source_dir=source_dir, package_name=package_name, python_version=python_version, platform=platform
    )
    return lambda_.Code.from_asset(
        str(source_dir),
        exclude=["**/__pycache__", "**/*.pyc", ".pytest_cache", "tests"],
        bundling=cdk.BundlingOptions(
            # Only used if local bundling declined, which ours never does: it raises on failure instead.
            image=runtime.bundling_image,
            command=[
                "bash",
                "-c",
                f"pip install -r requirements.txt -t /asset-output && cp -r . /asset-output/{package_name}",
            ],
            environment={"CONFEE_BUNDLE_FINGERPRINT": local.fingerprint()},
            local=local,
        ),
    )
