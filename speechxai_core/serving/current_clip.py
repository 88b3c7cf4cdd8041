"""Which clip a page is showing, so that words and results stay with the clip they were made for.

One :class:`CurrentClip` per page session. A new clip replaces it (its transcript, timings and results
belonged to the previous one); a run claims the clip it was started with and stops updating the
page as soon as another clip has become current.
"""

from __future__ import annotations

import threading


class CurrentClip:
    """The current clip's path (``None`` before the first one; ``""`` after the clip was removed)."""

    def __init__(self) -> None:
        self.clip: str | None = None
        self._lock = threading.Lock()

    def replace(self, clip: str | None) -> bool:
        """Make ``clip`` current; True when it replaces a different clip (whose words must go)."""
        with self._lock:
            previous, self.clip = self.clip, clip or ""
            return bool(previous) and previous != self.clip

    def claim(self, clip: str) -> bool:
        """At the start of a run on ``clip``: True when it is current (or no clip was seen yet,
        then it becomes current); False when the page moved on to another clip meanwhile."""
        with self._lock:
            if self.clip is None:
                self.clip = clip
            return self.clip == clip

    def is_current(self, clip: str) -> bool:
        return self.clip == clip

    def __deepcopy__(self, memo) -> "CurrentClip":
        return CurrentClip()  # each session starts with its own, empty
