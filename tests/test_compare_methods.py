"""scripts/compare_methods.py: the method comparison table on the demo model's evaluation clips."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_comparison_prints_faithfulness_plausibility_agreement_and_time(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "compare_methods.py"), "--limit", "1", "--methods", "loo,shapley,gradient",
         "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    rows = [line.split(" | ") for line in lines if line.startswith("| object |")]
    assert [row[1] for row in rows] == ["loo", "shapley", "gradient", "random"]
    comprehensiveness = {row[1]: float(row[2]) for row in rows}
    assert comprehensiveness["shapley"] > comprehensiveness["random"]
    assert rows[0][4].startswith("1.00 (1)")  # the object word ranked first by leave-one-out
    assert any(line.startswith("| loo | 1.00 |") for line in lines)  # agreement matrix, diagonal 1
    saved = json.loads((tmp_path / "compare_methods.json").read_text())
    assert [clip["clip"] for clip in saved] == ["00.flac"]
    assert saved[0]["methods"]["shapley"]["seconds"] > 0
    assert (tmp_path / "compare_methods.md").read_text().startswith("1 clip.")
