"""Measure the aligners: word-boundary error on synthetic speech, coverage on real speech, speed.

Ground truth: eSpeak NG speaks each sentence and reports sample-exact word spans through its
C library's events (``speechxai_core.align.espeak``), over several voices and rates; 0.3 s of
silence is put before each utterance. Error = |start - true start| and |end - true end| for
every word unit eSpeak NG reports (it may speak "on the" as one unit), matched to the aligner's
words by text (so transcribing aligners are scored on the words they got right).

Real speech: ``--data`` folder with ``manifest.jsonl`` (path, set, language, transcript, and
optional reference ``words``). Coverage = share of transcript words the aligner placed;
agreement = mean |boundary - reference boundary| where references exist.

    python -m scripts.eval_alignment [--data ../shared/data/speech] [--out results.json]
"""

from __future__ import annotations

import argparse
import difflib
import json
import time
from pathlib import Path

import numpy as np
import soxr

from speechxai_core.align import AlignmentError, align, get_aligner
from speechxai_core.align.ctc import forced_align
from speechxai_core.align.espeak import synthesize
from speechxai_core.align.text import normalise, transcript_tokens
from speechxai_core.audio import Audio, load_audio

SR = 16000
LEAD_S = 0.3
SENTENCES = [
    "the quick brown fox jumps over the lazy dog",
    "please turn on the lights in the kitchen",
    "she sells sea shells by the sea shore",
    "a large fawn jumped quickly over white zinc boxes",
    "we will meet at the station after lunch tomorrow",
    "turn the volume down a little bit please",
    "my grandmother grows tomatoes and peppers in her garden",
    "the committee postponed its decision until next month",
    "open the window because it is getting warm in here",
    "he carefully placed the fragile vase on the shelf",
    "our flight to paris was delayed by three hours",
    "could you remind me to call the dentist on friday",
    "the children built a sandcastle near the water",
    "bright stars filled the clear winter sky",
    "set an alarm for seven thirty in the morning",
    "the old bridge was closed for repairs last year",
    "music helps many people concentrate while they study",
    "switch off the heating in the bedroom",
    "the museum displays paintings from several centuries",
    "an unexpected storm flooded the narrow streets",
    "my kubernetes cluster crashed during the deployment",
    "the zorblax device emits a faint humming noise",
    "bring me the red cup from the table",
    "they walked slowly along the quiet river bank",
    "this recipe needs two eggs and a cup of flour",
    "the engineer explained how the turbine generates power",
    "play some relaxing music in the living room",
    "several volunteers cleaned the beach on saturday",
    "the library stays open late during exam week",
    "watch out for the slippery steps near the entrance",
]
VOICES = ["en-us", "en", "en-us+f3", "en-GB-x-rp", "en-us+m3", "en-029"]
RATES = [130, 175, 220]


def synthetic_set():
    """Each sentence twice, with voice and rate cycling so every voice meets every rate."""
    items = []
    for i, text in enumerate(SENTENCES):
        for k in range(2):
            voice, rate = VOICES[(i + k * 3) % len(VOICES)], RATES[(i + k) % len(RATES)]
            synthesis = synthesize(text, voice, rate)
            samples = soxr.resample(synthesis.samples, synthesis.sr, SR).astype(np.float32)
            samples = np.concatenate([np.zeros(int(LEAD_S * SR), np.float32), samples])
            truth = [(w.word, w.start + LEAD_S, w.end + LEAD_S) for w in synthesis.words]
            items.append((Audio(samples, SR, f"{voice}@{rate}"), text, truth))
    return items


def matched_indices(reference: list[str], found: list[str]) -> dict[int, int]:
    """Reference token index -> found token index for words equal after normalisation."""
    matcher = difflib.SequenceMatcher(a=[normalise(t) for t in reference], b=[normalise(t) for t in found], autojunk=False)
    pairs = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            pairs[block.a + k] = block.b + k
    return pairs


def unit_errors(words, truth):
    """Boundary errors (s) for the eSpeak units whose words were all found, and the share found."""
    reference, owner = [], []
    for u, (label, _, _) in enumerate(truth):
        for token in transcript_tokens(label):
            reference.append(token)
            owner.append(u)
    pairs = matched_indices(reference, [w.word for w in words])
    errors, found_units = [], 0
    for u, (_, start, end) in enumerate(truth):
        members = [i for i, o in enumerate(owner) if o == u]
        if members and all(i in pairs for i in members):
            found_units += 1
            errors += [abs(words[pairs[members[0]]].start - start), abs(words[pairs[members[-1]]].end - end)]
    return errors, found_units / len(truth)


def run_synthetic(aligners):
    items = synthetic_set()
    report = {}
    for name, transcript_given in aligners:
        errors, found, seconds, cpu, audio_s, failures = [], [], 0.0, 0.0, 0.0, 0
        for audio, text, truth in items:
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                result = align(audio, text if transcript_given else None, "en", name)
            except AlignmentError:
                failures += 1
                found.append(0.0)
                continue
            seconds += time.perf_counter() - t0
            cpu += time.process_time() - c0
            audio_s += audio.duration
            e, share = unit_errors(result.words, truth)
            errors += e
            found.append(share)
        key = f"{name} ({'transcript' if transcript_given else 'transcribed'})"
        report[key] = {
            "utterances": len(items), "failures": failures, "boundaries": len(errors),
            "mean_ms": 1000 * float(np.mean(errors)) if errors else None,
            "p90_ms": 1000 * float(np.percentile(errors, 90)) if errors else None,
            "within_50ms": float(np.mean(np.array(errors) <= 0.05)) if errors else None,
            "words_found": float(np.mean(found)),
            "seconds_per_audio_second": seconds / audio_s if audio_s else None,
            "cpu_seconds_per_audio_second": cpu / audio_s if audio_s else None,
        }
        print(key, json.dumps(report[key]), flush=True)
    return report


def run_real(folder: Path, aligners):
    rows = [json.loads(line) for line in (folder / "manifest.jsonl").read_text().splitlines() if line.strip()]
    report = {}
    for name, transcript_given in aligners:
        per_set: dict[str, dict] = {}
        for row in rows:
            stats = per_set.setdefault(row["set"], {"clips": 0, "failures": 0, "words": 0, "placed": 0, "diffs": [],
                                                    "language": row.get("language", "en"), "reasons": {}})
            audio = load_audio(folder / row["path"], max_duration=None)
            tokens = transcript_tokens(row["transcript"])
            stats["clips"] += 1
            stats["words"] += len(tokens)
            try:
                result = align(audio, row["transcript"] if transcript_given else None, row.get("language", "en"), name)
            except AlignmentError as exc:
                stats["failures"] += 1
                reason = str(exc).split(": ", 1)[-1][:70]
                stats["reasons"][reason] = stats["reasons"].get(reason, 0) + 1
                continue
            pairs = matched_indices(tokens, [w.word for w in result.words])
            stats["placed"] += len(pairs)
            if row.get("words") and len(row["words"]) == len(tokens):
                for i, j in pairs.items():
                    ref = row["words"][i]
                    stats["diffs"] += [abs(result.words[j].start - ref["start"]), abs(result.words[j].end - ref["end"])]
        key = f"{name} ({'transcript' if transcript_given else 'transcribed'})"
        report[key] = {
            s: {"language": v["language"], "clips": v["clips"], "failures": v["failures"],
                "coverage": v["placed"] / v["words"] if v["words"] else None,
                "agreement_mean_ms": 1000 * float(np.mean(v["diffs"])) if v["diffs"] else None,
                "reasons": v["reasons"]}
            for s, v in per_set.items()
        }
        print(key, json.dumps(report[key]), flush=True)
    return report


TIMIT_CLOSURES = {"cl", "vcl", "epi"}
TIMIT_PAUSES = {"sil", "pau", "h#"}
TIMIT_TO_CMU = {"ax": "AH", "ix": "IH", "axr": "ER", "ux": "UW", "dx": "T", "nx": "N", "el": "L", "em": "M",
                "en": "N", "hv": "HH", "ax-h": "AH"}


def phone_label_words(row: dict, pronounce) -> list[tuple[float, float, bool]] | None:
    """Word spans from TIMIT-style phone labels: each word takes as many phones as its dictionary
    pronunciation (a stop's closure goes with the stop, pauses with no word). Returns
    (start, end, end_is_reliable) per transcript word, or None when the phones and the
    pronunciations disagree on more than one word's first phone. The last word takes the
    remaining phones and its end is not scored (the label files may stop early)."""
    phones = row["phones"].split()
    ends = [int(x) / row["sample_rate"] for x in row["phone_ends_samples"].split()]
    starts = [0.0] + ends[:-1]
    words = transcript_tokens(row["transcript"])
    spans, i, mismatches = [], 0, 0
    for k, word in enumerate(words):
        expected = pronounce(normalise(word))
        while i < len(phones) and phones[i] in TIMIT_PAUSES:
            i += 1
        first, taken, last = i, 0, i
        while i < len(phones) and phones[i] not in TIMIT_PAUSES and (taken < len(expected) or k == len(words) - 1):
            if phones[i] not in TIMIT_CLOSURES:
                if taken == 0:
                    mismatches += TIMIT_TO_CMU.get(phones[i], phones[i]).upper() != expected[0]
                taken += 1
            last = i
            i += 1
        if taken == 0:
            return None
        spans.append((starts[first], ends[last], k < len(words) - 1))
    return spans if mismatches <= 1 else None


def run_phone_labels(folder: Path, aligners):
    """Word-boundary error against word spans derived from the ``sentences`` set's phone labels."""
    from pocketsphinx import Decoder

    from speechxai_core.align.lts import guess_pronunciation

    dictionary = Decoder(loglevel="FATAL")

    def pronounce(word):
        found = dictionary.lookup_word(word)
        phones = found.split() if found else guess_pronunciation(word)[0]
        return [p.rstrip("012") for p in phones]

    rows = [json.loads(line) for line in (folder / "manifest.jsonl").read_text().splitlines() if line.strip()]
    labelled = [(row, phone_label_words(row, pronounce)) for row in rows
                if row.get("phones") and row.get("phone_ends_samples")]
    usable = [(row, spans) for row, spans in labelled if spans]
    report = {"utterances": len(labelled), "usable": len(usable)}
    for name, transcript_given in aligners:
        errors = []
        for row, spans in usable:
            audio = load_audio(folder / row["path"], max_duration=None)
            try:
                result = align(audio, row["transcript"] if transcript_given else None, "en", name)
            except AlignmentError:
                continue
            tokens = transcript_tokens(row["transcript"])
            for i, j in matched_indices(tokens, [w.word for w in result.words]).items():
                start, end, end_ok = spans[i]
                errors.append(abs(result.words[j].start - start))
                if end_ok:
                    errors.append(abs(result.words[j].end - end))
        key = f"{name} ({'transcript' if transcript_given else 'transcribed'})"
        report[key] = {"boundaries": len(errors), "mean_ms": 1000 * float(np.mean(errors)) if errors else None,
                       "p90_ms": 1000 * float(np.percentile(errors, 90)) if errors else None}
    print("phone_labels", json.dumps(report), flush=True)
    return report


def run_load_times():
    """First-call construction time of each offline aligner (imports and model loading included)."""
    times = {}
    for name, options in [("pocketsphinx", {}), ("whisper", {})]:
        t0 = time.perf_counter()
        get_aligner(name, "en", **options)
        times[name] = time.perf_counter() - t0
    print("load_s", json.dumps(times), flush=True)
    return times


def run_viterbi_speed(seconds: float = 10.0, classes: int = 32, fps: int = 50, characters_per_second: int = 15):
    """CTC Viterbi on random emissions: time per second of audio (the model's forward pass excluded)."""
    rng = np.random.default_rng(0)
    frames = int(seconds * fps)
    logits = rng.normal(size=(frames, classes))
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    tokens = list(rng.integers(1, classes, int(seconds * characters_per_second)))
    t0 = time.perf_counter()
    forced_align(log_probs, tokens)
    value = (time.perf_counter() - t0) / seconds
    print("ctc_viterbi_s_per_audio_s", value, flush=True)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "data" / "speech"))
    parser.add_argument("--out", help="write all figures here as JSON")
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--only-phone-labels", action="store_true", help="only the sentences set's phone-label check")
    args = parser.parse_args()
    aligners = [("pocketsphinx", True), ("pocketsphinx", False), ("whisper", False), ("proportional", True)]
    data = Path(args.data)
    if args.only_phone_labels:
        run_phone_labels(data, aligners)
        return
    results = {"load_s": run_load_times(), "ctc_viterbi_s_per_audio_s": run_viterbi_speed(),
               "synthetic": run_synthetic(aligners)}
    if not args.skip_real and (data / "manifest.jsonl").exists():
        results["real"] = run_real(data, [("auto", True), ("whisper", False)])
        results["phone_labels"] = run_phone_labels(data, aligners)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
