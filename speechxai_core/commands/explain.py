"""``speechxai explain AUDIO``: explain one clip and print tables; optional JSON and CSV."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

from .align import add_aligner_options, aligner_options


def add_method_options(parser) -> None:
    """Options shared by ``explain`` and ``explain-dataset``: what is computed and how words are masked."""
    parser.add_argument("--methods", default="loo,paraling",
                        help="comma-separated: loo, lime, shapley, gradient, gradient_x_input, integrated_gradients, "
                             "paraling, word_paraling; bands, band_shapley, band_lime, word_bands (frequency bands), "
                             "phonemes, phoneme_shapley, phoneme_lime")
    parser.add_argument("--target", help="class to explain: CLASS or head=CLASS,... (default: predicted)")
    parser.add_argument("--contrast", help="explain the target rather than this class: head=CLASS,... (one-head "
                                           "models: CLASS); scores become drops of p(target) − p(contrast)")
    parser.add_argument("--grid", default="full", help="paralinguistic grid: full or fast")
    parser.add_argument("--properties", help="comma-separated subset of pitch_down,pitch_up,stretch_down,stretch_up,"
                                             "noise,reverb,flat_pitch,flat_loudness,formant_down,formant_up")
    parser.add_argument("--mask", default="zeros", choices=["zeros", "noise"], help="how a word is masked")
    parser.add_argument("--pad-before", type=float, default=0.0, help="ms masked before each word")
    parser.add_argument("--pad-after", type=float, default=0.0, help="ms masked after each word")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=1,
                        help="independent draws of the random properties (noise, room); mean ± std per level")
    parser.add_argument("--lime-samples", type=int, default=1000, help="LIME: word subsets sampled")
    parser.add_argument("--lime-kernel", default="cosine", choices=["cosine", "fraction"],
                        help="LIME: proximity kernel, cosine (LIME's text kernel, width 25; default) or fraction "
                             "(on the fraction of words removed, width 0.25)")
    parser.add_argument("--shapley-budget", type=int, default=300,
                        help="Shapley: coalitions for values and interactions together (exact when 2^n fits)")
    parser.add_argument("--shapley-approximator", default="KernelSHAPIQ",
                        help="Shapley: shapiq approximator of the interaction index when estimated")
    parser.add_argument("--ig-steps", type=int, default=32, help="Integrated Gradients: integration steps")
    parser.add_argument("--bands", type=int, default=8,
                        help="bands, band_shapley, band_lime, word_bands: number of mel-spaced frequency bands "
                             "(edges recorded)")
    parser.add_argument("--word-pitch", type=float, default=3.0, help="word_paraling: ± semitones of pitch_down/up")
    parser.add_argument("--word-stretch", type=float, default=1.25,
                        help="word_paraling: the word's duration factor of stretch_up (stretch_down: its inverse)")
    parser.add_argument("--word-gain", type=float, default=6.0, help="word_paraling: ± dB of gain_down/up")
    parser.add_argument("--word-noise-snr", type=float, default=5.0, help="word_paraling: SNR (dB) of noise over the word")


def method_options(args):
    """The :class:`MethodOptions` of the command-line flags."""
    from ..explain import MethodOptions

    return MethodOptions(repeats=args.repeats, lime_samples=args.lime_samples, lime_kernel=args.lime_kernel,
                         shapley_budget=args.shapley_budget, shapley_approximator=args.shapley_approximator,
                         ig_steps=args.ig_steps, bands=args.bands,
                         word_pitch_st=args.word_pitch, word_stretch=args.word_stretch, word_gain_db=args.word_gain,
                         word_noise_snr_db=args.word_noise_snr)


def register(commands) -> None:
    ex = commands.add_parser("explain", help="explain one audio clip")
    ex.add_argument("audio", help="audio file (wav, flac, ogg, mp3, webm, m4a, ...)")
    ex.add_argument("--model", default="demo",
                    help="preset name, hub id, local folder, or Python code: file.py:name or package.module:name "
                         "(a Classifier or a function returning one) (default: demo)")
    ex.add_argument("--heads", help="split outputs into heads, e.g. action:6,object:14,location:4")
    ex.add_argument("--start", type=float, help="explain the recording from here (seconds; times stay the recording's)")
    ex.add_argument("--end", type=float, help="explain the recording up to here (seconds)")
    source = ex.add_mutually_exclusive_group()
    source.add_argument("--words", help="word timings: JSON [{word,start,end}], WhisperX JSON, CSV word,start,end or TextGrid")
    source.add_argument("--transcript", help="transcript text, force-aligned to the clip (default: transcribe)")
    add_aligner_options(ex)
    ex.add_argument("--on-align-failure", default="windows", choices=["windows", "error"],
                    help="when no words can be aligned: use 0.25 s windows (default) or stop")
    add_method_options(ex)
    ex.add_argument("--batch-size", type=int, default=16)
    ex.add_argument("--device", help="cpu, cuda, cuda:1, mps (default: best available)")
    ex.add_argument("--half", action="store_true", help="float16 on GPU")
    ex.add_argument("--max-duration", type=float, default=60.0,
                    help="longest clip (or --start/--end segment) accepted, seconds")
    ex.add_argument("--checks", default="",
                    help="checks of the explanation, comma-separated: faithfulness, sanity, stability "
                         "(see the README's 'How far to trust an explanation')")
    ex.add_argument("--agreement-models", default="",
                    help="with --checks stability: comma-separated models (as --model) whose explanations "
                         "should agree with this one's")
    ex.add_argument("--json", dest="json_out", help="write the explanation as JSON here")
    ex.add_argument("--csv", dest="csv_out", help="write the word table as CSV here (band, word × band and "
                                                  "phoneme tables beside it when those methods ran)")
    ex.add_argument("--quiet", action="store_true", help="no progress bar")

    ex.set_defaults(run=run)


def run(args) -> int:
    from ..audio import SilentAudioWarning
    from ..explain.runner import AlignmentFallbackWarning

    with warnings.catch_warnings():  # the explanation carries these caveats; the report prints them once
        warnings.simplefilter("ignore", SilentAudioWarning)
        warnings.simplefilter("ignore", AlignmentFallbackWarning)
        return _explain(args)


def _explain(args) -> int:
    from ..audio import load_audio
    from ..evaluation.checks import parse_checks
    from ..explain import explain
    from ..models import load_model
    from ..perturb import PROPERTIES, MaskConfig
    from ..reports.clip_text import format_explanation

    checks = parse_checks(args.checks)
    whole = args.start is None and args.end is None
    clip = load_audio(args.audio, max_duration=args.max_duration if whole else None)
    mask = MaskConfig(args.mask, args.pad_before, args.pad_after)
    properties = tuple(p.strip() for p in args.properties.split(",")) if args.properties else PROPERTIES
    bar = ProgressBar(args.quiet)
    bar.stage(f"Loading model '{args.model}'…")
    classifier = load_model(args.model, heads=args.heads, device=args.device, half=args.half)
    try:
        result = explain(
            clip, classifier, words=args.words, transcript=args.transcript, methods=args.methods,
            targets=args.target, contrast=args.contrast, mask=mask, grid=args.grid, properties=properties, seed=args.seed,
            batch_size=args.batch_size, max_duration=args.max_duration, progress=bar, stage=bar.stage,
            aligner=args.aligner, language=args.language, on_align_failure=args.on_align_failure,
            align_options=aligner_options(args), method_options=method_options(args),
            start=args.start, end=args.end, notify=lambda message: print(message, file=sys.stderr),
            checks=checks, agreement_models=args.agreement_models,
        )
    finally:
        bar.close()
    print(format_explanation(result))
    if args.json_out:
        result.to_json(args.json_out)
    if args.csv_out:
        Path(args.csv_out).write_text(result.word_csv(), encoding="utf-8")
        path = Path(args.csv_out)
        for present, suffix, table in ((result.word_interactions, "interactions", result.interaction_csv),
                                       (result.bands, "bands", result.band_csv),
                                       (result.word_band_scores, "word_bands", result.word_band_csv),
                                       (result.phonemes, "phonemes", result.phoneme_csv),
                                       (result.checks, "checks", result.checks_csv)):
            if present:
                path.with_name(f"{path.stem}.{suffix}.csv").write_text(table(), encoding="utf-8")
    return 0


class ProgressBar:
    """Stage lines on stderr and a tqdm bar driven by the engine's ``(done, total)`` callback."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.quiet:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc="scoring variants", unit="variant", file=sys.stderr)
        self.bar.update(done - self.bar.n)

    def stage(self, text: str) -> None:
        if not self.quiet:
            print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
