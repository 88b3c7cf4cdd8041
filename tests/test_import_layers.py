"""The data class stays below the views: ``explanation.py`` imports no view and no method module (the
notebook view registers itself), so there is no import circle explanation → viz → explain → explanation."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np

from speechxai_core.explain import explain

from .conftest import SR, harmonic_tone
from .test_cost import slowing_model

EXPLANATION = Path(__file__).resolve().parents[1] / "speechxai_core" / "explanation.py"


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function (relative names as written)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_data_class_imports_no_view_and_no_method():
    modules = imported_modules(EXPLANATION)
    assert not [m for m in modules if m.startswith((".viz", ".explain", ".reports", "speechxai_core"))], modules


def test_notebook_display_still_works_in_a_fresh_interpreter():
    code = ("import numpy as np\nfrom speechxai_core import explain, CallableClassifier\n"
            "model = CallableClassifier(lambda w, sr: np.stack([w.std(axis=1), 1 - w.std(axis=1)], 1),\n"
            "                           ['a', 'b'], 16000)\n"
            "e = explain((np.sin(np.arange(16000) / 10).astype('float32') * 0.3, 16000), model,\n"
            "            words=[{'word': 'x', 'start': 0.1, 'end': 0.5}], methods='loo')\n"
            "import sys; assert 'speechxai_core.viz.notebook' not in sys.modules\n"
            "print(len(e._repr_html_()) > 1000, 'speechxai_core.viz.notebook' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_repr_matches_the_notebook_view():
    from speechxai_core.viz.notebook import notebook_html

    result = explain((harmonic_tone(seconds=1.0), SR), slowing_model([0.0]),
                     words=[{"word": "x", "start": 0.1, "end": 0.5}], methods="loo")
    assert result._repr_html_() == notebook_html(result) and np.isfinite(result.word_scores["class"][0])
