"""One user's latest result: the explanation and the clip it was computed on, for replaying variants."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..audio import Audio
from ..explanation import Explanation
from ..perturb.variants import VariantError, parse_variant_id
from ..explain.replay import renderer_for
from ..viz.style import describe_variant, escape, number


@dataclass
class Session:
    """``clip`` is the audio as scored (mono, at the model's sampling rate)."""

    explanation: Explanation
    clip: Audio

    def play(self, variant: str) -> tuple[int, np.ndarray]:
        """(sampling rate, 16-bit samples) of ``variant``, identical to the audio the model scored."""
        self._check(variant)
        samples = renderer_for(self.explanation, self.clip).render(parse_variant_id(variant))
        return self.clip.sr, pcm16(samples)

    def caption(self, variant: str) -> str:
        """HTML: which variant is playing and what the model made of it, per head."""
        self._check(variant)
        record = self.explanation.variant(variant)
        rows = []
        for head in self.explanation.heads:
            p = record.probabilities[head.name]
            predicted = record.predicted.get(head.name)  # not stored for a clip opened from a results folder
            rows.append(
                f"<li><b>{escape(head.name)}</b>: {escape(head.quantity)} {number(head.value)} → {number(p)} "
                f"(drop {number(head.value - p, signed=True)})"
                + (f"; predicted <i>{escape(predicted)}</i>" if predicted else "") + "</li>"
            )
        return (f'<div class="sx-now-playing" data-playing="{escape(variant)}"><b>Playing:</b> '
                f'{escape(describe_variant(self.explanation, variant))}<ul style="margin:2px 0 0 18px">'
                f'{"".join(rows)}</ul></div>')

    def _check(self, variant: str) -> None:
        if not any(record.id == variant for record in self.explanation.variants):
            raise VariantError(f"'{variant}' was not scored in this explanation (yet)")


def pcm16(samples: np.ndarray) -> np.ndarray:
    return np.round(np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)
