"""Bundle a Python package and its pinned dependencies as Lambda code, locally and without Docker.

Two bundles use it: the Chat function (``proxy/`` + ``proxy/requirements.txt``: the Chat API app on
Starlette and uvicorn, and boto3 pinned, since which boto3 the Lambda runtime ships is not ours to choose;
``proxy/run.sh`` is its handler and must be executable) and the mirror's Sync Lambda (``agent/`` +
``agent/requirements-sync.txt`` constrained by ``agent/constraints.txt``: httpx and boto3 only, never
the model stack). ``pip install --target`` with an explicit platform and Python version fetches the
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
BUNDLER_VERSION = "3"

#: What never belongs in a deployment package (file or folder names, at any depth).
IGNORED_NAMES = ("__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache", "tests")


class BundlingError(RuntimeError):
    """pip could not produce the Lambda bundle (no registry access, or an unresolvable pin)."""


@jsii.implements(cdk.ILocalBundling)
class PipLocalBundling:
    """``ILocalBundling`` that writes ``<out>/<package>/…`` plus the pip-installed requirements.

    Args:
        source_dir: The package folder (``proxy/``), copied as ``<out>/<package_name>``.
        package_name: Import name of the package inside the bundle (``proxy``: the app is ``proxy.app``).
        python_version: Lambda Python version the wheels must match, e.g. ``"3.14"``.
        platform: pip platform tag of the Lambda architecture.
        requirements_file: Requirements file inside ``source_dir``; without it only the package is copied.
        constraints_file: Optional constraints file inside ``source_dir`` pinning transitive dependencies.
        exclude: Further file or folder names (glob patterns) left out of the copied package.
        executables: Files inside ``source_dir`` that must be executable in the bundle (a start script that
            Lambda runs as the handler): made mode 0755 whatever the checkout's mode is. The CDK CLI keeps file
            modes when it zips the asset.
        pip_command: How to run pip (tests may point it elsewhere); defaults to this interpreter's pip.
    """

    def __init__(
        self,
        *,
        source_dir: Path,
        package_name: str,
        python_version: str,
        platform: str,
        requirements_file: str = "requirements.txt",
        constraints_file: str | None = None,
        exclude: tuple[str, ...] = (),
        executables: tuple[str, ...] = (),
        pip_command: tuple[str, ...] | None = None,
    ) -> None:
        self.source_dir = source_dir
        self.package_name = package_name
        self.python_version = python_version
        self.platform = platform
        self.requirements_file = requirements_file
        self.constraints_file = constraints_file
        self.exclude = exclude
        self.executables = executables
        self.pip_command = pip_command or (sys.executable, "-m", "pip")

    @property
    def requirements(self) -> Path:
        """The requirements file installed next to the package."""
        return self.source_dir / self.requirements_file

    @property
    def constraints(self) -> Path | None:
        """The constraints file applied to the install, if any."""
        return self.source_dir / self.constraints_file if self.constraints_file else None

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
            *(("--constraint", str(self.constraints)) if self.constraints else ()),
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
        inputs = {
            "bundler": BUNDLER_VERSION,
            "python": self.python_version,
            "platform": self.platform,
            "package": self.package_name,
            "requirements": _text_of(self.requirements),
            "constraints": _text_of(self.constraints),
            "exclude": list(self.exclude),
            "executables": list(self.executables),
        }
        return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]

    def try_bundle(self, output_dir: str, options: object = None, **_kwargs: object) -> bool:
        """Copy the package and pip-install its requirements into ``output_dir``.

        jsii passes the bundling options as one positional struct, while the generated typing spells
        them as keyword arguments; this signature satisfies both and ignores them (all inputs are ours).

        Returns:
            Always ``True``: a failure raises instead of silently falling back to Docker bundling.

        Raises:
            BundlingError: pip failed (its output is part of the message), or an executable is missing.
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
        ignore = shutil.ignore_patterns(*IGNORED_NAMES, *self.exclude)
        shutil.copytree(self.source_dir, out / self.package_name, ignore=ignore, dirs_exist_ok=True)
        for name in self.executables:
            script = out / self.package_name / name
            if not script.is_file():
                raise BundlingError(f"{self.source_dir / name} is missing: the bundle needs it as an executable")
            script.chmod(0o755)
        return True


def docker_command(
    *, package_name: str, requirements_file: str, constraints_file: str | None, executables: tuple[str, ...] = ()
) -> list[str]:
    """What the Docker fallback would run in the Lambda build image: the same install as ``PipLocalBundling``."""
    constraint = f" -c {constraints_file}" if constraints_file else ""
    chmod = "".join(f" && chmod 755 /asset-output/{package_name}/{name}" for name in executables)
    return [
        "bash",
        "-c",
        f"pip install -r {requirements_file}{constraint} -t /asset-output && cp -r . /asset-output/{package_name}"
        f"{chmod}",
    ]


def _text_of(path: Path | None) -> str:
    return path.read_text(encoding="utf-8") if path is not None and path.is_file() else ""


def package_code(
    source_dir: Path,
    *,
    package_name: str,
    runtime: lambda_.Runtime,
    architecture: lambda_.Architecture,
    requirements_file: str = "requirements.txt",
    constraints_file: str | None = None,
    exclude: tuple[str, ...] = (),
    executables: tuple[str, ...] = (),
) -> lambda_.Code:
    """Lambda code for a Python package with its pinned requirements.

    Args:
        source_dir: The package folder (may live anywhere; it is imported as ``package_name``).
        package_name: Import name inside the bundle.
        runtime: Lambda runtime; its version picks the wheels.
        architecture: Lambda architecture; picks the platform tag.
        requirements_file: Requirements file inside ``source_dir``.
        constraints_file: Optional constraints file inside ``source_dir``.
        exclude: Further file or folder names (glob patterns) left out of the bundle and the asset hash.
        executables: Files inside ``source_dir`` made executable (mode 0755) in the bundle.
    """
    python_version = runtime.name.removeprefix("python")
    platform = "manylinux2014_aarch64" if architecture.name == "arm64" else "manylinux2014_x86_64"
    local = PipLocalBundling(
        source_dir=source_dir,
        package_name=package_name,
        python_version=python_version,
        platform=platform,
        requirements_file=requirements_file,
        constraints_file=constraints_file,
        exclude=exclude,
        executables=executables,
    )
    return lambda_.Code.from_asset(
        str(source_dir),
        exclude=[*(f"**/{name}" for name in IGNORED_NAMES), *(f"**/{name}" for name in exclude)],
        bundling=cdk.BundlingOptions(
            # Only used if local bundling declined, which ours never does: it raises on failure instead.
            image=runtime.bundling_image,
            command=docker_command(
                package_name=package_name,
                requirements_file=requirements_file,
                constraints_file=constraints_file,
                executables=executables,
            ),
            environment={"CONFEE_BUNDLE_FINGERPRINT": local.fingerprint()},
            local=local,
        ),
    )
