"""scripts/ensure-chromium.sh: a no-op when Chromium is there, ``apt-get install -y chromium`` otherwise.

``apt-get`` is replaced by a fake on ``PATH`` that records its arguments and "installs" the binary.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "ensure-chromium.sh"


def run(tmp_path: Path, chromium: Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp_path / "calls.txt"
    fake = bin_dir / "apt-get"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{calls}"\n'
        f'case "$*" in *install*) printf "#!/bin/sh\\n" > "{chromium}"; chmod +x "{chromium}";; esac\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", CHROMIUM_PATH=str(chromium))
    result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, check=False)
    return result, calls.read_text().splitlines() if calls.exists() else []


@pytest.mark.skipif(os.geteuid() != 0, reason="the non-root path would call sudo")
def test_installs_when_missing(tmp_path: Path) -> None:
    chromium = tmp_path / "chromium"
    result, calls = run(tmp_path, chromium)
    assert result.returncode == 0, result.stderr
    assert calls == ["update -q", "install -y -q chromium"]
    assert chromium.exists()


def test_noop_when_present(tmp_path: Path) -> None:
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    result, calls = run(tmp_path, chromium)
    assert result.returncode == 0
    assert calls == []
