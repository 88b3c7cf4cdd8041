"""What the browser tests share: Playwright (on CI a missing one must fail, not skip) and the
page's "run finished" condition. Importing this module skips the importing test module when
Playwright is missing outside CI."""

from __future__ import annotations

import os

import pytest

if os.environ.get("CI"):  # CI installs the test tools
    import playwright.sync_api as playwright_api
else:
    playwright_api = pytest.importorskip("playwright.sync_api")

DONE = "document.querySelector('#status') && document.querySelector('#status').innerText.includes('Done in')"
