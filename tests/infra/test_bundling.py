"""Local bundling of the proxy Lambdas: pip --target for the Lambda platform, no Docker, offline here.

pip is pointed at a local wheel directory (``PIP_NO_INDEX`` / ``PIP_FIND_LINKS``, which pip reads
from the environment), so these tests install a real wheel without any network.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from confee_infra.bundling import BundlingError, PipLocalBundling, docker_command, package_code
from tests.infra.helpers import make_wheel


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


def bundler(source: Path) -> PipLocalBundling:
    return PipLocalBundling(
        source_dir=source, package_name="proxy", python_version="3.14", platform="manylinux2014_aarch64"
    )


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
    lambda_.Function(stack, "Fn", runtime=lambda_.Runtime.PYTHON_3_14, handler="proxy.handlers.chat.handler", code=code)
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
