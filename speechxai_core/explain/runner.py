"""Runs attribution methods on one clip through the scoring engine.

:func:`iter_explain` yields a growing :class:`Explanation` each time a stage (the
words, then each property) is complete; :func:`explain` returns the final one.
Methods' stages are scored together in batched rounds; a stage's follow-up stages
(which need its results) form the next round; variants scored once are reused.
"""

from __future__ import annotations

import copy
import warnings
from typing import Callable, Iterator, Sequence

import numpy as np

from ..align.registry import align
from ..align.windows import DEFAULT_WINDOW_S, window_words
from ..align.words import Word, WordsError, check_words, read_words, words_from_records
from ..align.fit import check_fit
from ..align.phones import align_phones, shift_phones
from ..audio import Audio, AudioError, AudioSource, load_audio
from ..explanation import Explanation, HeadResult, VariantRecord
from ..models import Classifier, heads_spec, load_model
from ..perturb.bands import mel_bands
from ..perturb.grids import ParalinguisticGrid, get_grid
from ..perturb.masking import MaskConfig
from ..perturb.render import Renderer
from ..perturb.variants import PARALINGUISTIC_KINDS, PROPERTIES, WORD_LOCAL_KINDS, WORD_PROPERTIES, parse_variant_id
from ..scoring import ScoringEngine
from .base import Context, MethodOptions
from .caveats import add_caveats, add_scope
from .cost import LARGE_RUN_S, MEASURE_ABOVE_VARIANTS, estimate, model_cost
from .methods import get_methods
from .segment import cut, heard, inside, offset, shift, unheard_message
from .targets import Target, TargetSpec, build_targets, parse_target_spec

WordsInput = Sequence[Word] | Sequence[dict] | str | None
ALIGN_FAILURE_CHOICES = ("windows", "error")


class AlignmentFallbackWarning(UserWarning):
    """No words could be aligned; equal-width windows stand in for them."""


def explain(*args, **kwargs) -> Explanation:
    """Explain one clip; same arguments as :func:`iter_explain`, returns the final explanation."""
    result = None
    for result in iter_explain(*args, **kwargs):
        pass
    return result


def iter_explain(
    audio: AudioSource,
    model: str | Classifier | None = "demo",
    *,
    words: WordsInput = None,
    transcript: str | None = None,
    methods: Sequence[str] | str = ("loo", "paraling"),
    targets: TargetSpec = None,
    contrast: TargetSpec = None,
    mask: MaskConfig = MaskConfig(),
    grid: str | ParalinguisticGrid = "full",
    properties: Sequence[str] = PROPERTIES,
    seed: int = 0,
    heads: str | None = None,
    engine: ScoringEngine | None = None,
    batch_size: int = 16,
    max_duration: float | None = 60.0,
    progress: Callable[[int, int], None] | None = None,
    stage: Callable[[str], None] | None = None,
    aligner: str = "auto",
    language: str = "en",
    on_align_failure: str = "windows",
    align_options: dict | None = None,
    start: float | None = None,
    end: float | None = None,
    repeats: int | None = None,
    method_options: MethodOptions | dict | None = None,
    notify: Callable[[str], None] | None = None,
    method_time_limit_s: float | None = None,
    checks: Sequence[str] | str = (),
    agreement_models: Sequence[str | Classifier] = (),
) -> Iterator[Explanation]:
    """Yield the explanation of ``audio`` stage by stage (``complete`` is True on the last).

    ``model``: a preset name, hub id, local folder or :class:`Classifier`.
    ``words``: ``[Word]``, ``[{word,start,end}]`` or a JSON/CSV path; or give ``transcript``.
    ``targets``: class per head (see :func:`parse_target_spec`); default the predicted class.
    ``contrast``: a class per head to explain against, same grammar (``"object=lamp"``): that head's
    scores become changes of ``p(target) − p(contrast)`` (see :mod:`.targets`).
    Without ``words``, word-level methods align the clip: ``transcript`` is force-aligned, or
    (None) the clip is transcribed then aligned, by ``aligner`` (see :mod:`speechxai_core.align`)
    for ``language``; ``align_options`` go to the aligner (``asr_model``, ``align_model``,
    ``device``, ``window``). When alignment fails, ``on_align_failure="windows"`` warns and uses
    equal windows (``DEFAULT_WINDOW_S``); ``"error"`` raises the alignment error, and also
    stops when a given transcript does not fit the audio (:mod:`speechxai_core.align.fit`).
    ``stage(text)`` is called as each stage starts (model loading, transcription, alignment,
    the transcript check, scoring); ``progress(done, total)`` counts scored variants.
    ``start``/``end`` (seconds): explain only that part of the recording; ``max_duration`` then
    limits the part. Times in the explanation stay in the recording's timeline (see
    :mod:`.segment`). Words the model does not hear (beyond ``classifier.max_duration``) are not
    scored: None in ``word_scores`` and a ``beyond_model_window`` warning.
    ``method_options`` (:class:`MethodOptions` or a dict of its fields) tune the methods;
    ``repeats`` (independent draws of noise and room per level) overrides its ``repeats``.
    Large runs are budgeted by work: planned variants × the model's cost per variant, measured once
    per loaded model (:func:`.cost.model_cost`), so the same request keeps the same methods on an
    idle or a busy machine. ``notify`` gets the estimate when it exceeds ``LARGE_RUN_S``; a method
    whose work exceeds ``method_time_limit_s`` is skipped (``notify`` says so;
    ``settings["skipped_methods"]`` records why).
    ``checks``: checks of the explanation itself, run after the methods and stored in
    :attr:`Explanation.checks` (names in :data:`speechxai_core.evaluation.checks.CHECKS`);
    ``agreement_models`` (names or classifiers): models whose explanations ``stability`` compares.
    """
    from ..evaluation.checks import parse_checks, run_checks

    wanted_checks = parse_checks(checks)
    options = MethodOptions.from_value(method_options, repeats=repeats)
    announce = stage or (lambda text: None)
    if not isinstance(model, Classifier):
        announce(f"Loading model '{model}'…")
    classifier = model if isinstance(model, Classifier) else load_model(model, heads=heads)
    engine = engine or ScoringEngine(classifier, batch_size=batch_size)
    if isinstance(agreement_models, str):
        agreement_models = [name.strip() for name in agreement_models.split(",") if name.strip()]
    others = [m if isinstance(m, Classifier) else load_model(m) for m in agreement_models]
    if engine.classifier is not classifier:
        raise ValueError("the scoring engine was built for another model")
    whole = start is None and end is None
    recording = load_audio(audio, classifier.sampling_rate, max_duration=max_duration if whole else None)
    clip, segment = cut(recording, start, end)
    if max_duration is not None and clip.duration > max_duration:
        raise AudioError(f"{clip.name}: the segment is too long ({clip.duration:.1f} s; the limit is {max_duration:g} s)")
    chosen = get_methods(methods)
    word_list, aligner_settings = _words(
        clip, words, transcript, needed=any(getattr(m, "needs_words", m.word_level) for m in chosen),
        aligner=aligner, language=language, on_failure=on_align_failure, options=align_options or {},
        segment=segment, announce=announce,
    )
    bands = mel_bands(options.bands, clip.sr) if any(getattr(m, "unit", None) == "bands" for m in chosen) else []
    phonemes, phone_settings = [], None
    if any(getattr(m, "unit", None) == "phonemes" for m in chosen) and word_list:
        announce("Aligning the phonemes inside the words…")
        phonemes, phone_settings = align_phones(clip, word_list, language)
    renderer = Renderer(clip, word_list, mask, seed, bands, [(p.start, p.end) for p in phonemes])
    original = engine.score_original(renderer)
    goal = build_targets(classifier.heads, original, parse_target_spec(targets, classifier.heads),
                         parse_target_spec(contrast, classifier.heads))
    heard_words = heard(word_list, classifier.max_duration)
    context = Context(len(word_list), goal, original, get_grid(grid), tuple(properties), options, seed,
                      classifier, clip, word_list, tuple(heard_words), tuple(bands), tuple(phonemes))
    explanation = _skeleton(recording, classifier, shift(word_list, offset(segment)), original, goal, segment)
    explanation.clip_samples = recording.samples
    explanation.bands = [{"low_hz": low, "high_hz": high} for low, high in bands]
    explanation.phonemes = shift_phones(phonemes, offset(segment))
    explanation.variants = _records({"original": original}, classifier, goal)
    explanation.settings = {
        "methods": [m.name for m in chosen], "checks": list(wanted_checks), "mask": vars(mask).copy(), "grid": context.grid.to_dict(),
        "properties": list(properties), "seed": seed, "batch_size": engine.batch_size,
        "aligner": aligner_settings, "repeats": options.repeats, "method_options": vars(options).copy(),
    }
    if phone_settings is not None:
        explanation.settings["phonemes"] = phone_settings
    if bands:
        explanation.settings["bands"] = len(bands)
    contrasts = {head.name: head.contrast for head in explanation.heads if head.contrast is not None}
    if contrasts:
        explanation.settings["contrast"] = contrasts
    add_caveats(explanation, clip, aligner_settings)
    add_scope(explanation, engine.out_of_scope(renderer))
    unheard = [word.word for i, word in enumerate(explanation.words) if i not in set(heard_words)]
    if unheard:
        explanation.warn("beyond_model_window", unheard_message(classifier, unheard, segment))
        if not heard_words and any(m.name == "loo" for m in chosen):
            explanation.word_scores = {head: [None] * len(word_list) for head in goal}
        if not heard_words and any(m.name == "word_paraling" for m in chosen):
            explanation.word_paralinguistic = {head: {prop: [None] * len(word_list) for prop in WORD_PROPERTIES}
                                               for head in goal}
    chosen = _within_budget(chosen, estimate(chosen, context), explanation, notify,
                            method_time_limit_s)
    explanation.settings["methods"] = [m.name for m in chosen]
    scores: dict = {"original": original}
    queue = [(method, stage) for method in chosen for stage in method.stages(context)]
    while queue:
        follow_ups, waiting = [], []
        for method, stage in queue:
            missing = {v.id for v in stage.variants} - scores.keys()
            if missing:
                waiting.append((method, stage, missing))
            else:
                follow_ups += [(method, nxt) for nxt in method.apply(context, stage, scores, explanation)]
        new = list({v.id: v for _, stage, _ in waiting for v in stage.variants if v.id not in scores}.values())
        if new:
            announce(f"Scoring {len(new)} variants of {clip.duration:.1f} s of audio…")
        for batch in engine.iter_score(renderer, new, progress) if new else ():
            scores.update(batch)
            explanation.variants.extend(_records(batch, classifier, goal))
            finished = False
            for method, stage, missing in waiting:
                if missing and not missing.isdisjoint(batch):
                    missing.difference_update(batch)
                    if not missing:
                        follow_ups += [(method, nxt) for nxt in method.apply(context, stage, scores, explanation)]
                        finished = True
            if finished and (follow_ups or any(missing for _, _, missing in waiting)):
                snapshot = copy.deepcopy(explanation)
                snapshot.complete = False
                yield snapshot
        queue = follow_ups
    _not_scored(explanation, set(heard_words))
    if wanted_checks:
        snapshot = copy.deepcopy(explanation)
        snapshot.complete = False
        yield snapshot

        def score(variants):
            new = [v for v in dict((v.id, v) for v in variants).values() if v.id not in scores]
            if new:
                announce(f"Checking the explanation: scoring {len(new)} variants…")
            base = len(scores) - 1  # counts go on from the variants scored before: progress never runs backwards
            counted = (lambda done, total: progress(base + done, base + total)) if progress else None
            for batch in engine.iter_score(renderer, new, counted) if new else ():
                scores.update(batch)
                explanation.variants.extend(_records(batch, classifier, goal))
            return scores

        wanted_checks = _checks_within_budget(wanted_checks, chosen, explanation, context, renderer, notify,
                                              method_time_limit_s)
        run_checks(wanted_checks, explanation, chosen, context, engine, renderer, score, announce, others)
    _finish(explanation)
    yield explanation


def _not_scored(explanation: Explanation, heard_words: set[int]) -> None:
    """Every word method's score of a word the model does not hear becomes None."""
    for table in explanation.method_scores.values():
        for values in table.values():
            for i in range(len(values)):
                if i not in heard_words:
                    values[i] = None


def _within_budget(chosen: list, cost, explanation: Explanation, notify, limit_s: float | None) -> list:
    """``chosen`` without the methods whose estimate exceeds ``limit_s``; announces large runs."""
    if cost is None:
        return chosen
    skipped = {m.name: f"{cost.describe(m.name)} of work, over the {limit_s:g} s limit"
               for m in chosen if limit_s is not None and cost.seconds(m.name) > limit_s}
    kept = [m for m in chosen if m.name not in skipped]
    for name, reason in skipped.items():
        explanation.warn("method_skipped", f"{name} not run: {reason}")
        if notify:
            notify(f"{name} skipped: {reason}")
    if skipped:
        explanation.settings["skipped_methods"] = skipped
    total = sum(cost.seconds(m.name) for m in kept)
    if notify and total > LARGE_RUN_S:
        notify(f"large run: {', '.join(f'{m.name} {cost.variants[m.name]:,}' for m in kept)} variants "
               f"— about {total:.0f} s ({cost.seconds_per_variant * 1000:.1f} ms per variant)")
    return kept


def _checks_within_budget(names: tuple, chosen: list, explanation: Explanation, context, renderer, notify,
                          limit_s: float | None) -> tuple:
    """``names`` without the costly checks whose work (:func:`check_work` × the model's cost per variant,
    measured once per model) exceeds ``limit_s``; each one dropped leaves a ``check_skipped`` warning."""
    from ..evaluation.checks import check_work

    if limit_s is None or context.classifier is None:
        return names
    kept = []
    for name in names:
        variants = check_work(name, chosen, explanation, context, renderer)
        if variants < MEASURE_ABOVE_VARIANTS:  # cheap: never budgeted, as with methods
            kept.append(name)
            continue
        seconds = variants * model_cost(context.classifier).seconds_per_variant(context.clip.duration)
        if seconds <= limit_s:
            kept.append(name)
            continue
        reason = f"{name} not run: {variants:,} variants, about {seconds:.0f} s of work, over the {limit_s:g} s limit"
        explanation.warn("check_skipped", reason)
        if notify:
            notify(reason)
    return tuple(kept)


def _words(clip: Audio, words: WordsInput, transcript: str | None, needed: bool, aligner: str = "auto",
           language: str = "en", on_failure: str = "windows", options: dict | None = None,
           segment: dict | None = None, announce: Callable[[str], None] = lambda text: None,
           ) -> tuple[list[Word], dict]:
    """Words in the clip's own time (the segment's, when one is cut) and how they were found."""
    if words is not None:
        if isinstance(words, str) or hasattr(words, "__fspath__"):
            parsed, source = read_words(words), str(words)
        else:
            parsed = list(words) if all(isinstance(w, Word) for w in words) else words_from_records(words)
            source = "given"
        if needed and not parsed:
            raise WordsError("the word list is empty")
        if segment:
            parsed = shift(inside(parsed, segment["start"], segment["end"]), -segment["start"])
            if needed and not parsed:
                raise WordsError(f"no word of the timings lies inside the segment "
                                 f"{segment['start']:g}-{segment['end']:g} s")
        return check_words(parsed, clip.duration, clip.name), {"name": "given", "source": source}
    if transcript is None and not needed:
        return [], {"name": "none"}
    if on_failure not in ALIGN_FAILURE_CHOICES:
        raise ValueError(f"on_align_failure must be one of {ALIGN_FAILURE_CHOICES}, not {on_failure!r}")
    options = dict(options or {})
    window = options.pop("window", DEFAULT_WINDOW_S)
    try:
        announce("Aligning the transcript to the audio…" if transcript is not None else
                 "Transcribing the clip, then aligning the words…")
        result = align(clip, transcript, language, aligner, **options)
        described = result.describe()
        if transcript is not None and result.words:
            announce("Checking that the transcript fits the audio…")
            described["transcript_fit"] = check_fit(clip, result.words, language, options.get("asr_model"),
                                                    stop=on_failure == "error")
        return check_words(result.words, clip.duration, clip.name), described
    except WordsError as exc:
        if on_failure == "error":
            raise
        warnings.warn(f"{exc}; using {window:g} s windows instead of words", AlignmentFallbackWarning, stacklevel=3)
        return window_words(clip, window), {"name": "windows", "window": window, "requested": aligner,
                                            "language": language, "reason": str(exc)}


def _skeleton(clip: Audio, classifier: Classifier, words: list[Word], original: dict, targets: dict[str, Target],
              segment: dict | None = None) -> Explanation:
    heads = []
    for head in classifier.heads:
        target = targets[head.name]
        contrast = target.contrast
        heads.append(HeadResult(
            name=head.name, labels=list(head.labels), target=head.labels[target.index],
            target_index=target.index, probability=float(original[head.name][target.index]),
            probabilities=[float(p) for p in original[head.name]],
            predicted=head.labels[int(np.argmax(original[head.name]))],
            contrast=None if contrast is None else head.labels[contrast], contrast_index=contrast,
        ))
    audio = {"name": clip.name, "duration": clip.duration, "sampling_rate": clip.sr, "samples": len(clip.samples)}
    return Explanation(
        audio=audio | ({"segment": segment} if segment else {}),
        model={"name": classifier.name, "heads": heads_spec(classifier.heads), "max_duration": classifier.max_duration},
        words=words, heads=heads, complete=False,
    )


def _records(batch: dict, classifier: Classifier, targets: dict[str, Target]) -> list[VariantRecord]:
    records = []
    for variant_id, probs in batch.items():
        variant = parse_variant_id(variant_id)
        records.append(VariantRecord(
            id=variant_id, kind=variant.kind, level=variant.level, word_index=variant.word_index,
            probabilities={h.name: targets[h.name].value(probs[h.name]) for h in classifier.heads},
            predicted={h.name: h.labels[int(np.argmax(probs[h.name]))] for h in classifier.heads},
        ))
    return records


def _finish(explanation: Explanation) -> None:
    """Stable order: variants original, words, then each kind by level; properties as PROPERTIES."""
    rank = {"original": 0, "word": 1, "words": 2, "phone": 3, "phones": 4, "band": 5, "bands": 6, "word_band": 7,
            **{kind: 8 + i for i, kind in enumerate((*PARALINGUISTIC_KINDS, *WORD_LOCAL_KINDS))}}
    explanation.variants.sort(key=lambda r: (rank.get(r.kind, len(rank)), r.word_index or 0, _word_set(r.id),
                                             r.level or 0.0, _unit_index(r.id), r.id))
    methods = explanation.settings.get("methods", [])
    for table in ("method_scores", "method_details"):
        values = getattr(explanation, table)
        setattr(explanation, table, {name: values[name] for name in methods if name in values})
    order = {prop: i for i, prop in enumerate(PROPERTIES)}
    for table in (explanation.paralinguistic, explanation.paralinguistic_drops, explanation.paralinguistic_std,
                  explanation.paralinguistic_drops_std):
        for head, values in table.items():
            table[head] = dict(sorted(values.items(), key=lambda item: order[item[0]]))
    explanation.paralinguistic_levels = dict(
        sorted(explanation.paralinguistic_levels.items(), key=lambda item: order[item[0]])
    )
    word_order = {prop: i for i, prop in enumerate(WORD_PROPERTIES)}
    for head, values in explanation.word_paralinguistic.items():
        explanation.word_paralinguistic[head] = dict(sorted(values.items(), key=lambda item: word_order[item[0]]))
    explanation.word_paralinguistic_levels = dict(
        sorted(explanation.word_paralinguistic_levels.items(), key=lambda item: word_order[item[0]]))
    explanation.complete = True


def _unit_index(variant_id: str) -> tuple[int, ...]:
    """The indices after the kind of a band or phoneme id (``band:3`` -> (3,)), () for other kinds."""
    kind, _, rest = variant_id.partition(":")
    if kind not in ("band", "bands", "phone", "phones", "word_band"):
        return ()
    parts = rest.replace(":", "+").split("+")
    return (len(parts), *(int(part) for part in parts))


def _word_set(variant_id: str) -> tuple[int, ...]:
    """Word indices of a ``words:`` id (size first, then indices), () for other kinds."""
    if not variant_id.startswith("words:"):
        return ()
    indices = tuple(int(i) for i in variant_id[6:].split("+"))
    return (len(indices), *indices)
