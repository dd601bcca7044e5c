"""Local bundling of the proxy Lambdas: pip --target for the Lambda platform, no Docker, offline here.

pip is pointed at a local wheel directory (``PIP_NO_INDEX`` / ``PIP_FIND_LINKS``, which pip reads
from the environment), so these tests install a real wheel without any network.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from confee_infra.bundling import BundlingError, PipLocalBundling, package_code


def make_wheel(directory: Path, name: str = "tinydep", version: str = "1.0") -> Path:
    """A minimal pure-Python wheel (a wheel is a zip with dist-info metadata)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": f'VERSION = "{version}"\n',
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{file},,\n" for file in files) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as archive:
        for file, text in files.items():
            archive.writestr(file, text)
        archive.writestr(f"{info}/RECORD", record)
    return path


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
