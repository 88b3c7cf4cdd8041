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
        self._changed = threading.Condition()

    def replace(self, clip: str | None) -> bool:
        """Make ``clip`` current; True when it replaces a different clip (whose words must go)."""
        with self._changed:
            previous, self.clip = self.clip, clip or ""
            self._changed.notify_all()
            return bool(previous) and previous != self.clip

    def claim(self, clip: str, wait_s: float = 3.0) -> bool:
        """At the start of a run on ``clip``: True when it is current, or no clip is known (then it
        becomes current). Otherwise the page's clip event may still be on its way: wait up to ``wait_s``
        for ``clip`` to become current; False when it does not (the page moved on to another clip)."""
        with self._changed:
            if not self.clip:
                self.clip = clip
            return self._changed.wait_for(lambda: self.clip == clip, timeout=wait_s)

    def is_current(self, clip: str) -> bool:
        return self.clip == clip

    def __deepcopy__(self, memo) -> "CurrentClip":
        return CurrentClip()  # each session starts with its own, empty
