"""The page's JavaScript and CSS, kept as files beside this module (``page/page.js``,
``page/page.css``) and read once: ``PAGE_JS`` runs when the page loads, ``PAGE_CSS`` styles it."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).with_name("page")
PAGE_JS = (FOLDER / "page.js").read_text(encoding="utf-8")
PAGE_CSS = (FOLDER / "page.css").read_text(encoding="utf-8")
