"""``bash scripts/run_app.sh`` installs once, then starts without installing again (and quietly)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAKE_SETUP = """#!/usr/bin/env bash
set -e
cd "$(dirname "$0")/.."
echo setup >> installs.txt
for i in $(seq 50); do echo "setuptools noise $i"; done
mkdir -p .venv/bin
printf '#!/usr/bin/env bash\\necho "app started with $*"\\n' > .venv/bin/python
chmod +x .venv/bin/python
"""


def start(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "scripts/run_app.sh", "--flag"], cwd=repo, capture_output=True, text=True,
                          timeout=60)


def test_installs_once_then_starts_fast_and_quietly(tmp_path):
    repo = tmp_path / "clone"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "run_app.sh", repo / "scripts" / "run_app.sh")
    (repo / "scripts" / "setup.sh").write_text(FAKE_SETUP)  # stands in for the real install
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, repo / name)
    first, second = start(repo), start(repo)
    assert first.returncode == second.returncode == 0, first.stderr
    assert (repo / "installs.txt").read_text().split() == ["setup"]  # installed once
    assert "setuptools noise" not in first.stdout + second.stdout  # the install talks to its log
    assert first.stdout.splitlines() == ["Installing SpeechXAI into .venv (the first start takes a few minutes; "
                                         "log: .venv/setup.log)...", "app started with app.py --flag"]
    assert second.stdout.splitlines() == ["app started with app.py --flag"]
    (repo / "requirements.txt").write_text((repo / "requirements.txt").read_text() + "\n# changed\n")
    assert start(repo).returncode == 0
    assert (repo / "installs.txt").read_text().split() == ["setup", "setup"]  # new requirements: installed again
