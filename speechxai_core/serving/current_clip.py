"""Which clip a page is showing, so that words and results stay with the clip they were made for.

One :class:`CurrentClip` per page session. A new clip replaces it (its transcript, timings and results
belonged to the previous one); a run claims the clip it was started with and stops updating the
page as soon as another clip has become current. It also remembers the transcript a run found
automatically, and for which clip and segment, so that those words never stay on another clip or
segment (words the user typed do).
"""

from __future__ import annotations

import threading


class CurrentClip:
    """The current clip's path (``None`` before the first one; ``""`` after the clip was removed) and its
    ``version``, which grows at every change: the same file removed and uploaded again (the same path)
    is a new clip, and a run started on it before does not come back to the page."""

    def __init__(self) -> None:
        self.clip: str | None = None
        self.version = 0
        self._changed = threading.Condition()
        self._found: tuple[str, tuple, str] | None = None  # (clip, segment, text) of the last automatic transcript

    def replace(self, clip: str | None) -> bool:
        """Make ``clip`` current; True when it replaces a different clip (whose words must go)."""
        with self._changed:
            previous, self.clip = self.clip, clip or ""
            if previous != self.clip:
                self.version += 1
            self._changed.notify_all()
            return bool(previous) and previous != self.clip

    def claim(self, clip: str, wait_s: float = 3.0) -> int | None:
        """At the start of a run on ``clip``: its version when it is current, or no clip is known (then it
        becomes current). Otherwise the page's clip event may still be on its way: wait up to ``wait_s``
        for ``clip`` to become current; None when it does not (the page moved on to another clip)."""
        with self._changed:
            if not self.clip:
                self.clip = clip
                self.version += 1
            return self.version if self._changed.wait_for(lambda: self.clip == clip, timeout=wait_s) else None

    def is_current(self, clip: str, version: int | None = None) -> bool:
        """True while ``clip`` (in ``version``, when given) is the page's clip."""
        return self.clip == clip and (version is None or self.version == version)

    def found_words(self, clip: str, segment: tuple, text: str) -> None:
        """A run put ``text``, found automatically in ``segment`` (start, end) of ``clip``, into the box."""
        self._found = (clip, tuple(segment), text.strip())

    def found_elsewhere(self, text: str | None, clip: str | None, segment: tuple) -> bool:
        """True when ``text`` is the automatic transcript of another clip or another segment."""
        if not text or not text.strip() or self._found is None:
            return False
        found_clip, found_segment, found_text = self._found
        return text.strip() == found_text and (found_clip != (clip or "") or found_segment != tuple(segment))

    def __deepcopy__(self, memo) -> "CurrentClip":
        return CurrentClip()  # each session starts with its own, empty
