"""The word and scope checks scored once on the human command recordings (``commands_en`` and ``slu``).

Thresholds come from other data (synthetic speech, ``scripts/calibrate_checks.py``; human read speech
outside the command sets for the transcript check, ``scripts/calibrate_on_read_speech.py``); this
script only reports.
It prints:

1. the word error rate of each transcriber (``tiny.en``, ``base`` when installed) and its time per clip;
2. automatic transcripts (the default aligner, as ``speechxai explain`` runs it): the share of wrong ones
   (any word error) with a ``transcript_uncertain`` warning, and of right ones with it (a clip where
   nothing is heard counts as wrong and warned: its explanation carries ``alignment_fallback``);
3. typed transcripts with one word swapped (``SUBSTITUTIONS``): the share flagged by the transcript check
   (``transcript_mismatch``), and of the same clips' correct transcripts;
4. the bundled model's ``out_of_scope`` warning on the commands it does not cover (timers, weather,
   doors, shopping, the ``oov`` clips) and on those it covers (lights switched on or off).

    python scripts/eval_words_and_scope.py [--data ../shared/data/speech] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from speechxai_core.align.base import AlignmentError  # noqa: E402
from speechxai_core.align.registry import align  # noqa: E402
from speechxai_core.align.text import transcript_tokens  # noqa: E402
from speechxai_core.align.whisper import get_transcriber  # noqa: E402
from speechxai_core.align.whisper_models import base_installed  # noqa: E402
from speechxai_core.align.words import Word  # noqa: E402
from speechxai_core.audio import load_audio  # noqa: E402
from speechxai_core.evaluation.wer import errors, normalise  # noqa: E402

SETS = ("commands_en", "slu")
#: clip name -> (said word, typed instead)
SUBSTITUTIONS = {
    "turn_off_lights_in_the_office": ("office", "kitchen"), "turn_on_standing_light": ("on", "off"),
    "is_the_front_door_locked": ("front", "back"), "is_the_garage_door_open": ("open", "closed"),
    "set_a_timer_for_30_seconds": ("seconds", "minutes"), "activate_mood_lighting": ("mood", "party"),
    "lock_the_front_door": ("lock", "unlock"), "set_kitchen_lights_to_green": ("green", "blue"),
    "pause_timer": ("pause", "resume"), "turn_off_all_of_the_lights_in_the_office": ("off", "on"),
}
#: what the bundled demo model was built for (lights switched on or off) ...
COVERED = ("turn_on_kitchen_lights", "turn_off_lights_in_the_office", "turn_off_all_of_the_lights_in_the_office",
           "turn_on_standing_light", "activate_mood_lighting")
#: ... and what it was not: timers, weather, doors, shopping, speech outside any command
UNCOVERED = ("cancel_all_timers", "cancel_timer", "pause_timer", "resume_timer", "set_a_timer_for_3_hours_and_10_minutes",
             "set_a_timer_for_30_seconds", "set_a_timer_for_5_minutes", "timer_status", "what_s_the_weather",
             "what_s_the_weather_like_in_new_york", "what_s_the_temperature", "what_s_the_temperature_of_the_ecobee",
             "what_is_the_outdoor_humidity", "is_the_front_door_locked", "is_the_garage_door_open",
             "lock_the_front_door", "add_apples_to_my_shopping_list", "oov_1", "oov_2", "oov_3", "oov_4")


def default_data() -> Path:
    for candidate in (ROOT.parent / "shared" / "data" / "speech", Path("/work/shared/data/speech")):
        if (candidate / "manifest.jsonl").exists():
            return candidate
    return ROOT.parent / "shared" / "data" / "speech"


def share(flags: list[bool]) -> str:
    return f"{np.mean(flags):.0%} ({sum(flags)}/{len(flags)})" if flags else "n/a"


def transcribers(rows: list[dict], data: Path) -> dict:
    """WER and seconds per clip of each installed offline transcriber."""
    out = {}
    for name in ("tiny.en", "base") if base_installed() else ("tiny.en",):
        transcriber = get_transcriber(name)
        wrong = words = 0
        started = time.perf_counter()
        for row in rows:
            heard = transcriber.transcription(load_audio(data / row["path"], 16000, max_duration=None), "en")
            wrong += errors(normalise(row["transcript"]), normalise(heard.text))
            words += len(normalise(row["transcript"]))
        out[name] = {"wer": wrong / words, "errors": wrong, "words": words,
                     "seconds_per_clip": (time.perf_counter() - started) / len(rows)}
        print(f"{name}: WER {wrong / words:.1%} ({wrong}/{words} words, {len(rows)} clips), "
              f"{out[name]['seconds_per_clip']:.2f} s per clip")
    return out


def automatic(rows: list[dict], data: Path) -> dict:
    """Automatic transcripts (default aligner): wrong ones and right ones with uncertain words."""
    wrong_flagged, right_flagged, details = [], [], []
    for row in rows:
        try:
            result = align(load_audio(data / row["path"], 16000, max_duration=None))
            heard, uncertain = result.transcript, result.settings.get("uncertain_words", [])
        except AlignmentError as exc:  # nothing heard: the explanation warns alignment_fallback instead
            heard, uncertain = "", [f"(no words: {exc})"]
        wrong = errors(normalise(row["transcript"]), normalise(heard)) > 0
        (wrong_flagged if wrong else right_flagged).append(bool(uncertain))
        details.append({"clip": row["path"], "heard": heard, "wrong": wrong, "uncertain": uncertain})
    print(f"automatic transcripts: wrong ones flagged {share(wrong_flagged)}, right ones flagged {share(right_flagged)}")
    return {"wrong_flagged": share(wrong_flagged), "right_flagged": share(right_flagged), "clips": details}


def substitutions(rows: list[dict], data: Path) -> dict:
    """One-word substitutions and the same clips' correct transcripts through the transcript check."""
    from speechxai_core.align.fit import transcript_fit

    by_name = {Path(row["path"]).stem: row for row in rows}
    swapped, correct, details = [], [], []
    for name, (said, typed) in SUBSTITUTIONS.items():
        row = by_name[name]
        audio = load_audio(data / row["path"], 16000, max_duration=None)
        tokens = row["transcript"].split()
        wrong_text = " ".join(typed if token == said else token for token in tokens)

        def fit(text: str):  # clips are under 30 s: word times are not needed
            return transcript_fit(audio, [Word(t, 0.0, audio.duration) for t in transcript_tokens(text)])

        bad, good = fit(wrong_text), fit(row["transcript"])
        swapped.append(bad.flagged and typed in bad.suspect)
        correct.append(good.flagged)
        details.append({"clip": row["path"], "typed": wrong_text, "suspect": bad.suspect,
                        "correct_flagged": good.flagged, "correct_suspect": good.suspect})
    print(f"one-word substitutions flagged (naming the word) {share(swapped)}; correct transcripts flagged "
          f"{share(correct)}")
    return {"substitutions_flagged": share(swapped), "correct_flagged": share(correct), "clips": details}


def scope(all_rows: list[dict], data: Path) -> dict:
    """The demo model's out-of-scope rate on uncovered and covered commands (the rest shown apart)."""
    from speechxai_core.models import load_model

    model = load_model("demo")
    groups: dict[str, list[bool]] = {"uncovered": [], "covered": [], "other": []}
    details = []
    for row in all_rows:
        name = Path(row["path"]).stem
        audio = load_audio(data / row["path"], 16000, max_duration=None)  # the model hears its window
        score = float(model.out_of_scope_score(audio.samples[None], np.array([len(audio.samples)]))[0])
        flagged = score > model.out_of_scope_threshold
        group = "uncovered" if name in UNCOVERED else "covered" if name in COVERED else "other"
        groups[group].append(flagged)
        details.append({"clip": row["path"], "group": group, "score": round(score, 4), "out_of_scope": flagged})
    print(f"out_of_scope (threshold {model.out_of_scope_threshold:g}): uncovered commands {share(groups['uncovered'])}, "
          f"covered ones {share(groups['covered'])}; other commands (media, time, colour, brightness) "
          f"{share(groups['other'])}")
    return {group: share(flags) for group, flags in groups.items()} | {"clips": details}


PARTS = {"transcribers": transcribers, "automatic": automatic, "substitutions": substitutions, "scope": scope}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--json", type=Path, help="also write every clip's result here")
    parser.add_argument("--parts", nargs="+", default=list(PARTS), choices=list(PARTS), help="what to score")
    args = parser.parse_args()
    manifest = [json.loads(line) for line in (args.data / "manifest.jsonl").read_text().splitlines() if line.strip()]
    all_rows = [row for row in manifest if row["set"] in SETS]
    rows = [row for row in all_rows if row.get("transcript")]
    results = {part: PARTS[part](all_rows if part == "scope" else rows, args.data) for part in args.parts}
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
