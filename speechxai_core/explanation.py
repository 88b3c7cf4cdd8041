"""The :class:`Explanation`: everything a view shows, as plain data with a JSON round-trip."""

from __future__ import annotations

import csv
import importlib
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .align.base import split_approximated
from .align.phones import Phone
from .align.words import Word
from .perturb.variants import PROPERTIES, WORD_PROPERTIES

#: Views that render an explanation as HTML (the last registered wins); the notebook view adds itself.
HTML_VIEWS: list = []
NOTEBOOK_VIEW = "speechxai_core.viz.notebook"


def register_html_view(view) -> None:
    """Make ``view(explanation) -> str`` the HTML display of explanations (Jupyter's ``_repr_html_``)."""
    HTML_VIEWS.append(view)


SCHEMA_VERSION = 1

#: Codes of the caveats an explanation can carry (``Explanation.warnings``).
WARNING_CODES = (
    "beyond_model_window",    # words the model does not hear (outside its input window): not scored
    "transcript_mismatch",    # the given transcript does not sound like the audio
    "transcript_unchecked",   # the given transcript could not be checked against the audio (language, length)
    "alignment_fallback",     # no words could be aligned: equal windows stand in for them
    "silent_clip",            # the clip is (almost) digital silence
    "pronunciation_guessed",  # words missing from the pronouncing dictionary: pronunciation guessed
    "timing_guessed",         # words whose times are estimates, not an alignment
    "method_skipped",         # a method estimated to take longer than the time limit was not run
    "check_skipped",          # a check (sanity, stability) whose work exceeds the time limit was not run
    "shapley_uncertain",      # estimated Shapley values with large standard errors: increase the budget
    "transcription_filtered", # transcribed segments dropped as made up (non-speech): their words are not explained
    "transcript_uncertain",   # automatically transcribed words the recogniser was unsure of: check and correct them
    "out_of_scope",           # the clip is unlike what the model was built for: its prediction may mean nothing
)


@dataclass
class HeadResult:
    """One head: its classes, the explained class (``target``), the class it is explained against
    (``contrast``, None without one), and the clip's probabilities. ``probability`` is p(target)."""

    name: str
    labels: list[str]
    target: str
    target_index: int
    probability: float
    probabilities: list[float]
    predicted: str
    contrast: str | None = None
    contrast_index: int | None = None

    @property
    def value(self) -> float:
        """The explained quantity on the clip: p(target), or p(target) − p(contrast)."""
        if self.contrast_index is None:
            return self.probability
        return self.probability - self.probabilities[self.contrast_index]

    @property
    def quantity(self) -> str:
        """The explained quantity in words: ``p(lights)`` or ``p(lights) − p(lamp)``."""
        return f"p({self.target})" + ("" if self.contrast is None else f" − p({self.contrast})")


@dataclass
class VariantRecord:
    """A scored variant: ``probabilities`` = {head: the head's explained quantity, p(target), or
    p(target) − p(contrast) with a contrast}; ``predicted`` = {head: top class}."""

    id: str
    kind: str
    level: float | None
    probabilities: dict[str, float]
    predicted: dict[str, str]
    word_index: int | None = None


@dataclass(frozen=True)
class Caveat:
    """Something a reader must know to trust the explanation: ``code`` (one of ``WARNING_CODES``)
    and a sentence for people."""

    code: str
    message: str


@dataclass
class Explanation:
    """One clip's attributions. Word scores are per head, one value per word:
    ``word_scores`` (leave-one-out) and ``method_scores[method]`` for every other word method;
    ``method_details[method]`` holds a method's diagnostics (fit, standard errors, what was
    attributed); ``word_interactions[head]`` the pairwise Shapley interactions of the top words.
    ``paralinguistic_std`` / ``paralinguistic_drops_std`` are standard deviations over repeats.
    ``word_paralinguistic[head][property]`` (method ``word_paraling``): one drop per word when only
    that word is changed (None: not scored), at the level ``word_paralinguistic_levels[property]``.
    ``clip_samples`` (set by ``explain``, never serialised) lets a notebook display play the clip.
    ``checks`` holds the checks of the explanation itself (:mod:`speechxai_core.evaluation.checks`):
    ``faithfulness[method][head]``, ``faithfulness_random[head]``, ``sanity[method][head]``,
    ``stability[method][head]``, as plain JSON data.
    """

    audio: dict
    model: dict
    words: list[Word]
    heads: list[HeadResult]
    #: {head: one score per word}; None for a word that was not scored (outside what the model hears).
    word_scores: dict[str, list[float | None]] = field(default_factory=dict)
    paralinguistic: dict[str, dict[str, float]] = field(default_factory=dict)
    paralinguistic_levels: dict[str, list[float]] = field(default_factory=dict)
    paralinguistic_drops: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    variants: list[VariantRecord] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    complete: bool = True
    method_scores: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    method_details: dict[str, dict] = field(default_factory=dict)
    word_interactions: dict[str, dict] = field(default_factory=dict)
    paralinguistic_std: dict[str, dict[str, float]] = field(default_factory=dict)
    paralinguistic_drops_std: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    warnings: list[Caveat] = field(default_factory=list)
    checks: dict = field(default_factory=dict)
    #: frequency bands of the band methods: [{"low_hz", "high_hz"}], mel-spaced (see perturb/bands.py).
    bands: list[dict] = field(default_factory=list)
    #: {head: one score per band}: leave-one-out of each band removed from the whole clip.
    band_scores: dict[str, list[float]] = field(default_factory=dict)
    #: {head: [[score per band] per word]}: each band removed inside one word (None: word not scored).
    word_band_scores: dict[str, list[list[float] | None]] = field(default_factory=dict)
    #: phoneme segments inside the words, with the index of their word.
    phonemes: list[Phone] = field(default_factory=list)
    #: {head: one score per phoneme}: leave-one-out of each phoneme (None: its word is not scored).
    phoneme_scores: dict[str, list[float | None]] = field(default_factory=dict)
    #: {unit: {method: {head: scores}}} of methods over bands or phonemes other than leave-one-out
    #: (``{"bands": {"shapley": …}}``).
    unit_method_scores: dict[str, dict[str, dict[str, list[float]]]] = field(default_factory=dict)

    def unit_scores(self, unit: str) -> dict[str, dict[str, list[float]]]:
        """{method: {head: scores}} of the methods over ``unit`` other than leave-one-out (created empty)."""
        return self.unit_method_scores.setdefault(unit, {})
    word_paralinguistic: dict[str, dict[str, list[float | None]]] = field(default_factory=dict)
    word_paralinguistic_levels: dict[str, float] = field(default_factory=dict)

    def warn(self, code: str, message: str) -> None:
        """Add a caveat once (the same code and message are not repeated)."""
        if code not in WARNING_CODES:
            raise ValueError(f"unknown warning code '{code}'")
        caveat = Caveat(code, message)
        if caveat not in self.warnings:
            self.warnings.append(caveat)

    def warning_codes(self) -> list[str]:
        return [caveat.code for caveat in self.warnings]

    @property
    def head_names(self) -> list[str]:
        return [head.name for head in self.heads]

    def _repr_html_(self) -> str:
        """Rich display in Jupyter: waveform with word shading, tables, heatmaps, audio players (the view
        registered by :mod:`speechxai_core.viz.notebook`, loaded by name on first display, so that this
        data class imports no view)."""
        if not HTML_VIEWS:
            importlib.import_module(NOTEBOOK_VIEW)
        return HTML_VIEWS[-1](self)

    @property
    def word_methods(self) -> list[str]:
        """Word-level methods with scores here, ``loo`` first."""
        return (["loo"] if self.word_scores else []) + list(self.method_scores)

    def scores_for(self, method: str = "loo") -> dict[str, list[float]]:
        """{head: word scores} of ``method`` (``loo`` reads :attr:`word_scores`)."""
        if method == "loo":
            return self.word_scores
        if method not in self.method_scores:
            raise KeyError(f"no word scores of method '{method}' in this explanation (have: "
                           f"{', '.join(self.word_methods) or 'none'})")
        return self.method_scores[method]

    def variant(self, variant_id: str) -> VariantRecord:
        for record in self.variants:
            if record.id == variant_id:
                return record
        raise KeyError(f"no variant '{variant_id}' in this explanation")

    # --- serialisation -------------------------------------------------------------
    def to_dict(self) -> dict:
        data = asdict(self)
        data["words"] = [word.to_dict() for word in self.words]
        data["phonemes"] = [phone.to_dict() for phone in self.phonemes]
        data["schema_version"] = SCHEMA_VERSION
        return data

    def to_json(self, path: str | Path | None = None, indent: int | None = 2) -> str:
        text = json.dumps(self.to_dict(), indent=indent)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_dict(cls, data: dict) -> "Explanation":
        return cls(
            audio=data["audio"],
            model=data["model"],
            words=[Word(w["word"], float(w["start"]), float(w["end"]), w.get("score")) for w in data["words"]],
            heads=[HeadResult(**head) for head in data["heads"]],
            word_scores={k: [None if v is None else float(v) for v in vs]
                         for k, vs in data.get("word_scores", {}).items()},
            paralinguistic=data.get("paralinguistic", {}),
            paralinguistic_levels=data.get("paralinguistic_levels", {}),
            paralinguistic_drops=data.get("paralinguistic_drops", {}),
            variants=[VariantRecord(**record) for record in data.get("variants", [])],
            settings=_read_settings(data.get("settings", {})),
            complete=data.get("complete", True),
            warnings=[Caveat(w["code"], w["message"]) for w in data.get("warnings", [])],
            method_scores=data.get("method_scores", {}),
            method_details=data.get("method_details", {}),
            word_interactions=data.get("word_interactions", {}),
            paralinguistic_std=data.get("paralinguistic_std", {}),
            paralinguistic_drops_std=data.get("paralinguistic_drops_std", {}),
            checks=data.get("checks", {}),
            bands=data.get("bands", []),
            band_scores=data.get("band_scores", {}),
            word_band_scores=data.get("word_band_scores", {}),
            phonemes=[Phone.from_dict(p) for p in data.get("phonemes", [])],
            phoneme_scores=data.get("phoneme_scores", {}),
            unit_method_scores=data.get("unit_method_scores", {}),
            word_paralinguistic=data.get("word_paralinguistic", {}),
            word_paralinguistic_levels=data.get("word_paralinguistic_levels", {}),
        )

    @classmethod
    def from_json(cls, text_or_path: str | Path) -> "Explanation":
        path = Path(text_or_path) if not str(text_or_path).lstrip().startswith("{") else None
        text = path.read_text(encoding="utf-8") if path is not None else str(text_or_path)
        return cls.from_dict(json.loads(text))

    # --- tables --------------------------------------------------------------------
    def word_table(self) -> list[dict]:
        """One row per word: word, start, end, one LOO column per head, then ``method:head`` columns,
        then ``word_paraling:head:property`` columns."""
        return [
            {"word": w.word, "start": w.start, "end": w.end}
            | {head: self.word_scores[head][i] for head in self.word_scores}
            | {f"{method}:{head}": values[i] for method, table in self.method_scores.items()
               for head, values in table.items()}
            | {column: values[i] for column, values in self._word_paraling_columns().items()}
            for i, w in enumerate(self.words)
        ]

    def _word_paraling_columns(self) -> dict[str, list[float | None]]:
        return {f"word_paraling:{head}:{prop}": table[prop] for head, table in self.word_paralinguistic.items()
                for prop in WORD_PROPERTIES if prop in table}

    def paralinguistic_table(self) -> list[dict]:
        """One row per property, one column per head, then ``head:std`` columns when there are repeats."""
        props = [p for p in PROPERTIES if any(p in scores for scores in self.paralinguistic.values())]
        return [{"property": p} | {head: scores[p] for head, scores in self.paralinguistic.items()}
                | {f"{head}:std": spread[p] for head, spread in self._paralinguistic_spread().items() if p in spread}
                for p in props]

    def _paralinguistic_spread(self) -> dict[str, dict[str, float]]:
        return self.paralinguistic_std if self.settings.get("repeats", 1) > 1 else {}

    def word_csv(self) -> str:
        extra = [f"{method}:{head}" for method, table in self.method_scores.items() for head in table]
        return _to_csv(self.word_table(), ["word", "start", "end", *self.word_scores, *extra,
                                           *self._word_paraling_columns()])

    def paralinguistic_csv(self) -> str:
        spread = [f"{head}:std" for head in self._paralinguistic_spread()]
        return _to_csv(self.paralinguistic_table(), ["property", *self.paralinguistic, *spread])

    def band_table(self) -> list[dict]:
        """One row per band: low_hz, high_hz, one leave-one-out column per head, then ``method:head``
        columns (band Shapley values)."""
        return [{"band": i, "low_hz": band["low_hz"], "high_hz": band["high_hz"]}
                | {head: values[i] for head, values in self.band_scores.items()}
                | {f"{method}:{head}": values[i] for method, table in self.unit_method_scores.get("bands", {}).items()
                   for head, values in table.items()}
                for i, band in enumerate(self.bands)]

    def band_csv(self) -> str:
        extra = [f"{method}:{head}" for method, table in self.unit_method_scores.get("bands", {}).items()
                 for head in table]
        return _to_csv(self.band_table(), ["band", "low_hz", "high_hz", *self.band_scores, *extra])

    def word_band_csv(self) -> str:
        """One row per scored word and band: the score per head of the band removed inside the word."""
        heads = list(self.word_band_scores)
        rows = [{"word_index": w, "word": word.word, "band": b, "low_hz": band["low_hz"], "high_hz": band["high_hz"]}
                | {head: self.word_band_scores[head][w][b] for head in heads}
                for w, word in enumerate(self.words) for b, band in enumerate(self.bands)
                if heads and self.word_band_scores[heads[0]][w] is not None]
        return _to_csv(rows, ["word_index", "word", "band", "low_hz", "high_hz", *heads])

    def phoneme_table(self) -> list[dict]:
        """One row per phoneme: phone, start, end, word index and word, one leave-one-out column per head,
        then ``method:head`` columns (phoneme Shapley values)."""
        return [{"phone": p.phone, "start": p.start, "end": p.end, "word_index": p.word_index,
                 "word": self.words[p.word_index].word if p.word_index < len(self.words) else ""}
                | {head: values[i] for head, values in self.phoneme_scores.items()}
                | {f"{method}:{head}": values[i] for method, table in self.unit_method_scores.get("phonemes", {}).items()
                   for head, values in table.items()}
                for i, p in enumerate(self.phonemes)]

    def phoneme_csv(self) -> str:
        extra = [f"{method}:{head}" for method, table in self.unit_method_scores.get("phonemes", {}).items()
                 for head in table]
        return _to_csv(self.phoneme_table(), ["phone", "start", "end", "word_index", "word", *self.phoneme_scores,
                                              *extra])

    def interaction_csv(self) -> str:
        """One row per pair of top words and head: the Shapley interaction index."""
        rows = [{"head": head, "word_a": block["words"][a], "word_b": block["words"][b],
                 "index_a": block["indices"][a], "index_b": block["indices"][b], "interaction": block["matrix"][a][b]}
                for head, block in self.word_interactions.items()
                for a in range(len(block["indices"])) for b in range(a + 1, len(block["indices"]))]
        return _to_csv(rows, ["head", "word_a", "word_b", "index_a", "index_b", "interaction"])

    def checks_csv(self) -> str:
        """One row per check, method, head and number (curves as ``name:i``; lists joined by spaces)."""
        from .evaluation.checks import check_rows

        return _to_csv(check_rows(self.checks), ["check", "method", "head", "metric", "value"])


def _read_settings(settings: dict) -> dict:
    """Settings as written today (older files: the aligner's ``approximated`` list is split)."""
    if isinstance(settings.get("aligner"), dict):
        return {**settings, "aligner": split_approximated(settings["aligner"])}
    return settings


TIME_DECIMALS = 4  # times in CSV files: 0.1 ms (no 0.8200000000000001 from float sums)


def _to_csv(rows: list[dict], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows([{key: round(value, TIME_DECIMALS) if key in ("start", "end") and isinstance(value, float)
                       else value for key, value in row.items()} for row in rows])
    return buffer.getvalue()
