"""Local bundling of the Chat function: pip --target for the Lambda platform, no Docker, offline here.

pip is pointed at a local wheel directory (``PIP_NO_INDEX`` / ``PIP_FIND_LINKS``, which pip reads
from the environment), so these tests install a real wheel without any network.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from confee_infra.bundling import BundlingError, PipLocalBundling, docker_command, package_code
from confee_infra.config import InfraConfig
from confee_infra.stacks.api_stack import CHAT_HANDLER, ApiStack
from tests.infra.helpers import Sources, cdk_json_context, make_wheel, make_wheels_for, standalone_signals


@pytest.fixture
def offline_pip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    wheels = tmp_path / "wheels"
    make_wheel(wheels)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    return wheels


@pytest.fixture
def package(tmp_path: Path) -> Path:
    source = tmp_path / "src" / "proxy"
    (source / "handlers").mkdir(parents=True)
    (source / "__init__.py").write_text("")
    (source / "handlers" / "chat.py").write_text("def handler(event, context):\n    return {}\n")
    (source / "__pycache__").mkdir()
    (source / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (source / "tests").mkdir()
    (source / "tests" / "test_x.py").write_text("")
    (source / "requirements.txt").write_text("tinydep==1.0\n")
    return source


def bundler(source: Path, executables: tuple[str, ...] = ()) -> PipLocalBundling:
    return PipLocalBundling(
        source_dir=source,
        package_name="proxy",
        python_version="3.14",
        platform="manylinux2014_aarch64",
        executables=executables,
    )


def is_executable(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o755


def test_pip_targets_the_lambda_platform_not_the_build_machine(package: Path, tmp_path: Path) -> None:
    args = bundler(package).pip_arguments(tmp_path / "out")
    joined = " ".join(args)
    assert "--platform manylinux2014_aarch64" in joined
    assert "--python-version 3.14" in joined
    assert "--only-binary=:all:" in args
    assert f"--requirement {package / 'requirements.txt'}" in joined
    assert f"--target {tmp_path / 'out'}" in joined


def test_bundle_holds_the_package_and_its_pinned_requirements(package: Path, tmp_path: Path, offline_pip: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert bundler(package).try_bundle(str(out), cdk.BundlingOptions(image=cdk.DockerImage("unused")))
    assert (out / "tinydep" / "__init__.py").read_text() == 'VERSION = "1.0"\n'
    assert (out / "proxy" / "handlers" / "chat.py").is_file()
    assert not (out / "proxy" / "__pycache__").exists()
    assert not (out / "proxy" / "tests").exists()
    assert not (out / "bin").exists()


def test_pip_failure_raises_with_pip_output(package: Path, tmp_path: Path, offline_pip: Path) -> None:
    (package / "requirements.txt").write_text("tinydep==9.9\n")
    with pytest.raises(BundlingError, match=r"tinydep==9\.9"):
        bundler(package).try_bundle(str(tmp_path), cdk.BundlingOptions(image=cdk.DockerImage("unused")))


def test_fingerprint_follows_every_input_cdk_does_not_hash(package: Path) -> None:
    base = bundler(package).fingerprint()
    assert base == bundler(package).fingerprint()
    other_platform = PipLocalBundling(
        source_dir=package, package_name="proxy", python_version="3.14", platform="manylinux2014_x86_64"
    )
    other_python = PipLocalBundling(
        source_dir=package, package_name="proxy", python_version="3.13", platform="manylinux2014_aarch64"
    )
    assert other_platform.fingerprint() != base
    assert other_python.fingerprint() != base
    (package / "requirements.txt").write_text("tinydep==1.1\n")
    assert bundler(package).fingerprint() != base


def test_cdk_runs_the_local_bundler_without_docker(package: Path, tmp_path: Path, offline_pip: Path) -> None:
    app = cdk.App(outdir=str(tmp_path / "cdk.out"))
    stack = cdk.Stack(app, "BundleTest")
    code = package_code(
        package, package_name="proxy", runtime=lambda_.Runtime.PYTHON_3_14, architecture=lambda_.Architecture.ARM_64
    )
    lambda_.Function(stack, "Fn", runtime=lambda_.Runtime.PYTHON_3_14, handler="proxy/run.sh", code=code)
    app.synth()
    staged = [path for path in (tmp_path / "cdk.out").glob("asset.*") if path.is_dir()]
    assert len(staged) == 1
    assert (staged[0] / "tinydep" / "__init__.py").is_file()
    assert (staged[0] / "proxy" / "handlers" / "chat.py").is_file()


def test_another_requirements_file_a_constraints_file_and_excluded_names(
    package: Path, tmp_path: Path, offline_pip: Path
) -> None:
    (package / "requirements-sync.txt").write_text("tinydep\n")  # the version comes from the constraints
    (package / "constraints.txt").write_text("tinydep==1.0\nunrelated==2.0\n")
    (package / "Dockerfile").write_text("FROM scratch\n")
    sync = PipLocalBundling(
        source_dir=package,
        package_name="proxy",
        python_version="3.14",
        platform="manylinux2014_aarch64",
        requirements_file="requirements-sync.txt",
        constraints_file="constraints.txt",
        exclude=("Dockerfile",),
    )
    out = tmp_path / "out"
    joined = " ".join(sync.pip_arguments(out))
    assert f"--requirement {package / 'requirements-sync.txt'}" in joined
    assert f"--constraint {package / 'constraints.txt'}" in joined
    assert "--constraint" not in bundler(package).pip_arguments(out)

    out.mkdir()
    assert sync.try_bundle(str(out))
    assert (out / "tinydep" / "__init__.py").is_file()
    assert (out / "proxy" / "handlers" / "chat.py").is_file()
    assert not (out / "proxy" / "Dockerfile").exists()

    base = sync.fingerprint()
    (package / "constraints.txt").write_text("tinydep==1.0\nunrelated==2.1\n")
    assert sync.fingerprint() != base, "a transitive pin changes the bundle"


def test_docker_fallback_command_installs_the_same_files() -> None:
    command = docker_command(
        package_name="agent", requirements_file="requirements-sync.txt", constraints_file="constraints.txt"
    )
    assert command[:2] == ["bash", "-c"]
    assert command[2] == (
        "pip install -r requirements-sync.txt -c constraints.txt -t /asset-output && cp -r . /asset-output/agent"
    )
    plain = docker_command(package_name="proxy", requirements_file="requirements.txt", constraints_file=None)
    assert plain[2] == "pip install -r requirements.txt -t /asset-output && cp -r . /asset-output/proxy"
    chat = docker_command(
        package_name="proxy", requirements_file="requirements.txt", constraints_file=None, executables=("run.sh",)
    )
    assert chat[2].endswith("cp -r . /asset-output/proxy && chmod 755 /asset-output/proxy/run.sh")


def test_start_script_is_executable_in_the_bundle_whatever_the_checkout_says(
    package: Path, tmp_path: Path, offline_pip: Path
) -> None:
    script = package / "run.sh"
    script.write_text("#!/bin/sh\nexec true\n")
    script.chmod(0o644)  # a checkout on Windows, or a lost git mode bit
    out = tmp_path / "out"
    out.mkdir()
    assert bundler(package, executables=("run.sh",)).try_bundle(str(out))
    assert is_executable(out / "proxy" / "run.sh")
    assert stat.S_IMODE(script.stat().st_mode) == 0o644  # the source is left alone


def test_a_missing_start_script_fails_the_bundle(package: Path, tmp_path: Path, offline_pip: Path) -> None:
    with pytest.raises(BundlingError, match=r"run\.sh is missing"):
        bundler(package, executables=("run.sh",)).try_bundle(str(tmp_path))


def test_fingerprint_follows_the_executables(package: Path) -> None:
    assert bundler(package, executables=("run.sh",)).fingerprint() != bundler(package).fingerprint()


@pytest.fixture
def proxy_wheels(sources: Sources, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A fake wheel for every pin of the Chat API's requirements (the real proxy/ when it exists)."""
    wheels = tmp_path / "wheels"
    names = make_wheels_for(wheels, sources.proxy_dir / "requirements.txt")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    yield names


def test_chat_bundle_is_laid_out_as_the_function_runs_it(
    sources: Sources, tmp_path: Path, proxy_wheels: list[str]
) -> None:
    """The API stack's own asset, bundled (not skipped): start script, app and the pinned server packages."""
    assert {"starlette", "uvicorn", "boto3"} <= set(proxy_wheels)
    outdir = tmp_path / "cdk.out"
    context = {**cdk_json_context(), **sources.context()}
    app = cdk.App(outdir=str(outdir), context=context)
    config = InfraConfig.from_context(context)
    ApiStack(
        app,
        "ChatBundle",
        config=config,
        runtime_arn="arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/confee_agent-abc",
        signals=standalone_signals(app, config.region),
        env=cdk.Environment(region=config.region),
    )
    app.synth()

    (bundle,) = [path for path in outdir.glob("asset.*") if (path / "proxy").is_dir()]
    handler = bundle / CHAT_HANDLER  # ${LAMBDA_TASK_ROOT}/${_HANDLER}
    assert handler.is_file()
    assert is_executable(handler)
    assert os.access(handler, os.X_OK)
    assert (bundle / "proxy" / "app.py").is_file()
    for package in ("starlette", "uvicorn", "boto3", "botocore"):
        assert (bundle / package / "__init__.py").is_file(), package
    assert not (bundle / "bin").exists()
    assert not (bundle / "agent").exists()
    assert not (bundle / "strands").exists()
