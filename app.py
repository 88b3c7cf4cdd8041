"""SpeechXAI web app: upload or record a clip, pick a model, see and hear why it decided.

Layout and events only; the science lives in ``speechxai_core``.
Run: ``python app.py`` (serves http://localhost:7860; see README, section App).
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path
from typing import Iterator

import gradio as gr

from speechxai_core.dataset.benchmark_uploads import MAX_BENCHMARK_CLIPS, benchmark_display, benchmark_uploads
from speechxai_core.dataset.run import ModelSpec
from speechxai_core.dataset.views import MAX_APP_ITEMS, load_summary, open_record, run_small_dataset
from speechxai_core.errors import SpeechXAIError
from speechxai_core.explain.base import MethodOptions
from speechxai_core.explain.methods import WORD_METHODS
from speechxai_core.models import PRESETS, resolve
from speechxai_core.perturb.masking import MASK_STRATEGIES
from speechxai_core.perturb.variants import PROPERTIES
from speechxai_core.serving.current_clip import CurrentClip
from speechxai_core.serving.downloads import write_downloads
from speechxai_core.serving.errors import user_message
from speechxai_core.serving.examples import EXAMPLES_DIR, find_examples
from speechxai_core.serving.gpu import gpu_task
from speechxai_core.serving.hosting import is_hosted, server_name
from speechxai_core.serving.limits import Limits
from speechxai_core.serving.model_access import allowed_model
from speechxai_core.serving.page_assets import PAGE_CSS, PAGE_JS
from speechxai_core.serving.request_checks import Blocks
from speechxai_core.serving.results_folders import allowed_results_folder
from speechxai_core.serving.runner import ExplainRequest, Update, aligner_choices, seconds, stream_explanation
from speechxai_core.serving.session import Session
from speechxai_core.serving.shutdown import PrivateCache, TempLeftovers, kept_files, stop_on_sigterm
from speechxai_core.serving.warm_up import warm_up
from speechxai_core.serving.workspace import Workspace
from speechxai_core.viz import (
    heatmap_figure, interaction_figure, paralinguistic_table_html, prediction_html, variant_choices,
)
from speechxai_core.viz.methods import method_choices, shown_method, word_views
from speechxai_core.viz.style import PROPERTY_TITLES, escape
from speechxai_core.viz.units import (
    UNIT_METHOD_CHOICES, band_figure, band_table_html, phoneme_html, word_band_figure,
)
from speechxai_core.viz.word_paraling import NOTE as WORD_PARALING_NOTE, word_paraling_html

log = logging.getLogger("speechxai.app")
DEFAULT_BANDS = MethodOptions().bands
MAX_APP_BANDS = 16  # band Shapley is exact up to 8 bands; more bands, more variants per band method

CHECK_CHOICES = [("Faithfulness: deletion and insertion curves", "faithfulness"),
                 ("Sanity: weights reset layer by layer (slow)", "sanity"),
                 ("Stability: seeds, masks, ensemble members (slow)", "stability")]
BRIDGE_JS = "window.speechxaiSelect = (variant) => trigger('click', {variant: variant});"


def model_choices() -> list[str]:
    """The presets by name (short enough for a phone's menu; :func:`model_info` describes the chosen one)."""
    return list(PRESETS)


def model_info(model: str | None) -> str:
    """The line under the model menu: the chosen preset's description."""
    preset = PRESETS.get(model or "")
    return preset.description if preset else "A hub id or a local model folder."


def heads_hint(model: str) -> tuple:
    """Event: a new model gets its description under the menu, and the heads box is cleared and shows the
    model's default heads spec."""
    spec = resolve(model).heads if model else None
    return gr.update(info=model_info(model)), gr.update(
        value="", placeholder=spec or "one head with all classes (or e.g. action:6,object:14,location:4)")


def new_clip(audio: str | None, transcript: str, current: CurrentClip) -> tuple:
    """Event: a clip was uploaded, recorded or removed. The transcript, word timings, segment and results
    of the previous clip go with it; words typed before any clip (or after removing one) stay for this
    one, words found automatically in another clip never do."""
    if not current.replace(audio):
        cleared = "" if current.found_elsewhere(transcript, audio, segment_of(None, None)) else gr.skip()
        return (cleared,) + (gr.skip(),) * 6
    return "", None, "", gr.update(visible=False), None, None, None


def segment_of(start, end) -> tuple:
    """The segment (start, end) as a run reads the two fields (0 or empty: open; text that is no number
    of seconds is kept as it is, the run refuses it)."""
    def bound(value):
        try:
            return seconds(value, "") or None
        except SpeechXAIError:
            return str(value).strip()
    return (bound(start), bound(end))


def new_segment(audio: str | None, start, end, transcript: str, current: CurrentClip) -> tuple:
    """Event: "Explain from / up to" changed. Words found automatically in another part of the clip go
    (the next run finds this part's); a typed transcript stays and is checked against this part by the
    next run."""
    if not current.found_elsewhere(transcript, audio, segment_of(start, end)):
        return gr.skip(), gr.skip()
    return "", status_html("The transcript found for the previous part of the clip was cleared; Explain finds "
                           "the words of this part.")


def example_clip(audio: str | None, current: CurrentClip) -> tuple:
    """Event: an example was chosen; it brings its own word timings, so only the transcript, segment and
    results go."""
    current.replace(audio)
    return "", "", gr.update(visible=False), None, None, None


def status_html(text: str, kind: str = "info", progress: tuple[int, int] | None = None) -> str:
    """The status line; ``progress`` = (done, total) variants adds a progress bar."""
    bar = "" if progress is None else (
        f'<div class="sx-progress"><progress value="{progress[0]}" max="{progress[1]}"></progress> '
        f'{progress[0]} / {progress[1]} variants scored</div>')
    return f'<div class="sx-{kind}">{escape(text)}</div>{bar}'


def classes_info(explanation) -> str:
    """The classes each head can explain, for the targets box."""
    return "Classes — " + "; ".join(f"{head.name}: {', '.join(head.labels)}" for head in explanation.heads)


def snapshot_message(update: Update, started: float) -> tuple[str, str]:
    """(text, kind) of the status line after a snapshot."""
    explanation = update.explanation
    text = (f"Done in {time.monotonic() - started:.1f} s." if explanation.complete else
            f"Words scored; {len(explanation.paralinguistic_levels)} of "
            f"{len(explanation.settings.get('properties', []))} properties scored…")
    return (f"{update.notice} {text}", "notice") if update.notice else (text, "info")


OUTPUTS = ("status", "results", "session", "prediction", "waveform", "transcript_view", "word_table",
           "paraling_table", "heatmaps", "picker", "player", "caption", "transcript", "targets", "downloads",
           "method_view", "interactions", "units", "band_chart", "band_table", "word_bands", "phonemes",
           "word_paraling", "trust", "trust_curves")


def run_views(request: ExplainRequest, limits: Limits, workspace: Workspace, progress=None,
              session: str | None = None) -> Iterator[dict]:
    """Stream the explanation as view updates keyed by output name (see ``OUTPUTS``); progress reports
    update the status line and call ``progress(done, total)``.

    Errors end the stream with a message in ``status`` (and in ``error``, which is no output) and
    hide the results of an earlier run (they do not answer this request). Downloads go to ``session``'s workspace folder.
    """
    started = time.monotonic()
    yield {"status": status_html(f"Loading model '{request.model}' and the clip…")}
    shown = False
    message = ("", "info")
    try:
        for update in stream_explanation(request, limits):
            if update.progress:
                if progress:
                    progress(*update.progress)
                yield {"status": status_html(*message, progress=update.progress)}
            elif update.explanation is None:
                message = (update.stage or f"Preparing {update.clip.duration:.1f} s of audio…", "info")
                yield {"status": status_html(*message)}
            else:
                message = snapshot_message(update, started)
                yield snapshot_views(update, request, workspace, first=not shown, started=started, session=session)
                shown = True
    except Exception as exc:  # noqa: BLE001 - the page must keep working whatever happens
        message = user_message(exc, "explain")
        yield {"status": status_html(message, "error"), "error": message, "results": gr.update(visible=False)}


def snapshot_views(update: Update, request: ExplainRequest, workspace: Workspace, first: bool,
                   started: float, session: str | None = None) -> dict:
    """Every view of one snapshot; the first also loads the original into the player."""
    explanation = update.explanation
    current = Session(explanation, update.clip)
    views = {"status": status_html(*snapshot_message(update, started))} | result_views(
        current, (request.methods or ["loo"])[0])
    if first:
        views |= {"results": gr.update(visible=True), "player": current.play("original"),
                  "caption": current.caption("original"), "targets": gr.update(info=classes_info(explanation)),
                  "picker": gr.update(choices=variant_choices(explanation), value="original")}
        if not request.transcript.strip() and explanation.words and \
                "alignment_fallback" not in explanation.warning_codes():
            views["transcript"] = " ".join(word.word for word in explanation.words)
    if explanation.complete:
        folder = workspace.new_folder(session)
        views["downloads"] = write_downloads(explanation, update.clip.samples, folder)
        workspace.prune(keep=folder)
    return views


def result_views(current: Session, method: str | None = None) -> dict:
    """The views of one result that every snapshot redraws (keyed by output name); the word views
    show ``method`` when the result has it, else its first word method."""
    explanation = current.explanation
    shown = shown_method(explanation, method)
    return {
        "session": current,
        "prediction": prediction_html(explanation),
        **word_views(explanation, current.clip.samples, shown),
        "method_view": gr.update(choices=method_choices(explanation.word_methods) or method_choices(["loo"]),
                                 value=shown),
        "interactions": gr.update(value=interaction_figure(explanation), visible=bool(explanation.word_interactions)),
        **unit_views(explanation),
        "word_paraling": word_paraling_html(explanation),
        "paraling_table": paralinguistic_table_html(explanation),
        "heatmaps": heatmap_figure(explanation),
        "picker": gr.update(choices=variant_choices(explanation)),
    }


def unit_views(explanation) -> dict:
    """The band and phoneme views of a result (keyed by output name); their section shows when one ran."""
    return {"units": gr.update(visible=bool(explanation.bands or explanation.phonemes)),
            "band_chart": gr.update(value=band_figure(explanation), visible=bool(explanation.band_scores)),
            "band_table": band_table_html(explanation),
            "word_bands": gr.update(value=word_band_figure(explanation), visible=bool(explanation.word_band_scores)),
            "phonemes": phoneme_html(explanation)}


def stored_clip_views(folder: str, index: int, workspace: Workspace | None = None,
                      session: str | None = None) -> dict:
    """Every view of clip ``index`` of a dataset results folder, from its stored explanation; its downloads
    are written to ``session``'s workspace folder (none without a workspace)."""
    current = Session(*open_record(folder, index))
    explanation = current.explanation
    downloads = None
    if workspace is not None:
        run = workspace.new_folder(session)
        downloads = write_downloads(explanation, current.clip.samples, run)
        workspace.prune(keep=run)
    return result_views(current) | {
        "status": status_html(f"{explanation.audio['name']}: the explanation stored in the results folder "
                              "(not computed again)."),
        "results": gr.update(visible=True), "player": current.play("original"), "caption": current.caption("original"),
        "picker": gr.update(choices=variant_choices(explanation), value="original"), "downloads": downloads,
    }


def show_method(current: Session | None, method: str) -> tuple:
    """Event: the method selector changed; waveform, transcript, word table and the trust panel follow it."""
    if current is None or not method:
        return (gr.skip(),) * 5
    views = word_views(current.explanation, current.clip.samples, method)
    return views["waveform"], views["transcript_view"], views["word_table"], views["trust"], views["trust_curves"]


def play_variant(current: Session | None, variant: str) -> tuple:
    """Player value, caption and picker value for ``variant`` of the current result."""
    if current is None or not variant:
        return gr.skip(), gr.skip(), gr.skip()
    try:
        return current.play(variant), current.caption(variant), gr.update(value=variant)
    except (SpeechXAIError, KeyError) as exc:
        gr.Warning(str(exc))
        return gr.skip(), gr.skip(), gr.skip()


def explain_request(audio, *, model=None, heads=None, transcript=None, words_file=None, targets=None, mask=None,
                    pad_before=None, pad_after=None, properties=None, grid=None, aligner=None, start=None, end=None,
                    word_methods=None, repeats=None, contrast=None, unit_methods=None, checks=None,
                    bands=None) -> ExplainRequest:
    """The one place a request is built, by keyword, from the page's fields or the API's values
    (None: the default — every property, the faithfulness check, 8 bands)."""
    return ExplainRequest(
        audio=audio, model=model or "demo", heads=heads or "", transcript=transcript or "", words_file=words_file,
        targets=targets or "", mask=mask or "zeros", pad_before_ms=pad_before or 0, pad_after_ms=pad_after or 0,
        properties=list(PROPERTIES if properties is None else properties), grid=grid or "fast",
        aligner=aligner or "auto", start=start, end=end,
        methods=list(word_methods or ["loo"]) + list(unit_methods or []), repeats=int(repeats or 1),
        contrast=contrast or "", checks=["faithfulness"] if checks is None else list(checks),
        bands=int(bands or DEFAULT_BANDS))


def explain_json(request: ExplainRequest, limits: Limits) -> dict:
    """The final explanation as a JSON-ready dict, plus ``notice`` (empty unless a part was skipped)."""
    final = None
    for final in stream_explanation(request, limits):
        pass
    return final.explanation.to_dict() | {"notice": final.notice}


def build_app(limits: Limits | None = None, default_model: str | None = None,
              examples_dir: str | Path = EXAMPLES_DIR, workspace: Workspace | None = None) -> gr.Blocks:
    """The page; ``default_model`` (else $SPEECHXAI_DEFAULT_MODEL, else ``demo``) is preselected.
    The app's files go to ``workspace`` (a new one by default)."""
    limits = limits or Limits.from_env()
    default_model = default_model or os.environ.get("SPEECHXAI_DEFAULT_MODEL", "demo")
    workspace = workspace or Workspace(limits.file_max_age_s, limits.workspace_max_mb)
    gr.set_static_paths([workspace.root])  # downloads are served from the workspace, not copied

    @gpu_task
    def run(current: CurrentClip, audio, model, heads, transcript, words_file, targets, mask, pad_before, pad_after,
            properties, grid, aligner, start, end, word_methods, repeats, contrast, unit_methods, checks, bands,
            page: gr.Request, progress=gr.Progress()):
        """Event: stream the explanation into every view, word level first, then property by property,
        for as long as its clip is the page's current one."""
        claimed = current.claim(audio or "")
        if claimed is None:
            return
        if current.found_elsewhere(transcript, audio, segment_of(start, end)):
            transcript = ""  # found for another part of the clip: this run finds this part's words
        request = explain_request(audio, model=model, heads=heads, transcript=transcript, words_file=words_file,
                                  targets=targets, mask=mask, pad_before=pad_before, pad_after=pad_after,
                                  properties=properties or [], grid=grid, aligner=aligner, start=start, end=end,
                                  word_methods=word_methods, repeats=repeats, contrast=contrast,
                                  unit_methods=unit_methods, checks=checks or [], bands=bands)
        components = dict(zip(OUTPUTS, outputs))
        for views in run_views(request, limits, workspace, lambda done, total: progress(
                (done, total), desc="Scoring variants", unit="variants"), session=page.session_hash):
            if not current.is_current(audio or "", claimed):
                # another clip was given meanwhile: nothing of this run belongs on the page, and its
                # last update (which Gradio sends again as the run ends) must carry nothing of it
                yield {components["status"]: ""}
                return
            views.pop("error", None)  # said in red in the status under Explain, which the page brings into view
            if "transcript" in views:
                current.found_words(audio or "", segment_of(start, end), views["transcript"])
            yield {components[name]: value for name, value in views.items()}

    def play_selected(current: Session | None, event: gr.EventData):
        """Event: a word, table cell or heatmap level was clicked."""
        return play_variant(current, getattr(event, "variant", ""))

    @gpu_task
    def explain_api(audio, model=None, heads=None, transcript=None, words_file=None, targets=None, mask=None,
                    pad_before=None, pad_after=None, properties=None, grid=None, aligner=None, start=None,
                    end=None, word_methods=None, repeats=None, contrast=None, unit_methods=None,
                    checks=None, bands=None) -> dict:
        """API: explain a clip and return the explanation as JSON (same fields as the JSON download)."""
        request = explain_request(audio, model=model, heads=heads, transcript=transcript, words_file=words_file,
                                  targets=targets, mask=mask, pad_before=pad_before, pad_after=pad_after,
                                  properties=properties, grid=grid, aligner=aligner, start=start, end=end,
                                  word_methods=word_methods, repeats=repeats, contrast=contrast,
                                  unit_methods=unit_methods, checks=checks, bands=bands)
        try:
            return explain_json(request, limits)
        except Exception as exc:  # noqa: BLE001 - one line for the user, the traceback (if any) in the log
            raise gr.Error(user_message(exc, "explain (API)"), print_exception=False) from None

    def end_session(page: gr.Request) -> None:
        """Event: the page was closed; its files go."""
        workspace.drop_session(page.session_hash)

    age = max(1, int(limits.file_max_age_s))
    with Blocks(title="SpeechXAI", delete_cache=(max(1, min(age // 2, 600)), age)) as demo:
        session = gr.State(None, time_to_live=age)
        current_clip = gr.State(CurrentClip())  # copied, empty, for each page session
        gr.Markdown("# SpeechXAI\nWhich **words** and which **voice properties** drove a speech classifier's "
                    "decision? Upload or record a clip, pick a model, press *Explain*, then click any word, "
                    "table cell or heatmap level to hear exactly the audio the model scored.")
        with gr.Tabs():
            with gr.Tab("Explain a clip", id="clip", elem_id="tab-clip"):
                with gr.Row():
                    with gr.Column(scale=1):
                        audio = gr.Audio(sources=["upload", "microphone"], type="filepath", label="Clip", elem_id="clip")
                        # Explain and the examples right under the clip: on a phone they are on the first screen
                        explain_button = gr.Button("Explain", variant="primary", elem_id="explain")
                        status = gr.HTML(elem_id="status")
                        examples_slot = gr.Column(elem_id="examples")
                    with gr.Column(scale=1):
                        transcript = gr.Textbox(label="Transcript (optional)", elem_id="transcript",
                                                placeholder="Left empty, the words are found automatically; correct them "
                                                            "here and run again.")
                        words_file = gr.File(label="Word timings (JSON / CSV / TextGrid, optional)", type="filepath",
                                             file_types=[".json", ".csv", ".TextGrid", ".textgrid"], elem_id="words-file")
                        model = gr.Dropdown(model_choices(), value=default_model, allow_custom_value=True, elem_id="model",
                                            label="Model: a preset, a hub id or a local folder",
                                            info=model_info(default_model))
                        heads = gr.Textbox(label="Heads (name:size,…)", elem_id="heads",
                                           placeholder=resolve(default_model).heads or "one head with all classes")
                        with gr.Accordion("Options", open=False):
                            with gr.Row():
                                targets = gr.Textbox(label="Class to explain per head", elem_id="targets",
                                                     placeholder="default: the predicted class · e.g. object=lights")
                                contrast = gr.Textbox(label="… rather than (optional)", elem_id="contrast",
                                                      placeholder="e.g. object=lamp: explain p(lights) − p(lamp)")
                            with gr.Row():
                                mask = gr.Radio(list(MASK_STRATEGIES), value="zeros", label="Mask words with")
                                grid = gr.Radio(["fast", "full"], value="fast", label="Levels per property")
                            with gr.Row():
                                pad_before = gr.Slider(0, 200, value=0, step=10, label="Mask padding before (ms)")
                                pad_after = gr.Slider(0, 200, value=0, step=10, label="Mask padding after (ms)")
                            properties = gr.CheckboxGroup([(PROPERTY_TITLES[p], p) for p in PROPERTIES],
                                                          value=list(PROPERTIES), label="Paralinguistic properties")
                            aligner = gr.Dropdown(aligner_choices(), value="auto", elem_id="aligner",
                                                  label="Aligner (when no word timings are given)")
                            word_methods = gr.CheckboxGroup(method_choices((*WORD_METHODS, "word_paraling")),
                                                            value=["loo"], elem_id="word-methods",
                                                            label=f"Word methods (each runs when its work is under "
                                                                  f"{limits.max_method_s:g} s)")
                            unit_methods = gr.CheckboxGroup(UNIT_METHOD_CHOICES, value=[], elem_id="unit-methods",
                                                            label="Finer units: frequency bands and phonemes")
                            bands = gr.Slider(2, MAX_APP_BANDS, value=DEFAULT_BANDS, step=1, elem_id="bands",
                                              label="Frequency bands (mel-spaced, for the band methods)")
                            checks = gr.CheckboxGroup(CHECK_CHOICES, value=["faithfulness"], elem_id="checks",
                                                      label="Checks of the explanation (How far to trust it)")
                            repeats = gr.Slider(1, 10, value=1, step=1, elem_id="repeats",
                                                label="Repeats: independent draws of noise and room (mean ± std)")
                            with gr.Row():
                                # text boxes: Gradio's number box shows an empty value as 0
                                start = gr.Textbox(label="Explain from (s)", elem_id="segment-start",
                                                   placeholder="the start")
                                end = gr.Textbox(label="Explain up to (s)", elem_id="segment-end",
                                                 placeholder="the end")
                    examples = find_examples(examples_dir)
                    with examples_slot:
                        example_list = gr.Examples([[wav, timings] for wav, timings in examples],
                                                   inputs=[audio, words_file], label="Example clips") if examples else None
                with gr.Column(visible=False, elem_id="results") as results:
                    prediction = gr.HTML(elem_id="prediction")
                    with gr.Row(elem_id="player-bar"):
                        picker = gr.Dropdown([], label="Play a scored variant", elem_id="picker", scale=1)
                        player = gr.Audio(label="Player", type="numpy", interactive=False, autoplay=True, elem_id="player",
                                          scale=1)
                        caption = gr.HTML(elem_id="caption", js_on_load=BRIDGE_JS, scale=2)
                    gr.Markdown("### Which words mattered\nLeave-one-out: attribution of a word = p(target) − "
                                "p(target | word masked); the other word methods (chosen under Options) are shown here "
                                "too. Red, the word supported the explained class; blue, it worked against it. "
                                "Click a word to hear the clip with that word masked, an interaction cell to hear both "
                                "words masked (Shapley interaction > 0: the two words matter more together).")
                    method_view = gr.Radio(method_choices(["loo"]), value="loo", label="Word method shown",
                                           elem_id="method-view")
                    waveform = gr.Plot(show_label=False, elem_id="waveform")
                    with gr.Row(elem_id="results-words"):
                        transcript_view = gr.HTML(elem_id="transcript-view")
                        word_table = gr.HTML(elem_id="word-table")
                    interactions = gr.Plot(show_label=False, elem_id="interactions")
                    gr.Markdown(f"### Which word's voice mattered\n{WORD_PARALING_NOTE} Click a cell to hear that "
                                "word changed.")
                    word_paraling = gr.HTML(elem_id="word-paraling")
                    gr.Markdown("### How far to trust it\nDeletion: the words masked from the top of the shown "
                                "method's ranking; insertion: only the top words kept. A faithful ranking falls "
                                "faster (lower deletion AUC) and recovers sooner (higher insertion AUC) than random "
                                "orders (the shaded band). Sanity and stability appear when chosen under Options.")
                    trust = gr.HTML(elem_id="trust")
                    trust_curves = gr.Plot(show_label=False, elem_id="trust-curves")
                    with gr.Column(visible=False, elem_id="units") as units:
                        gr.Markdown("### Which frequencies and phonemes mattered\nA band's score = the drop when "
                                    "that band is removed from the whole clip (zero-phase band-stop); a phoneme's = "
                                    "the drop when it is masked. Click a bar, cell or phoneme to hear it.")
                        band_chart = gr.Plot(show_label=False, elem_id="band-chart")
                        band_table = gr.HTML(elem_id="band-table")
                        word_bands = gr.Plot(show_label=False, elem_id="word-bands")
                        phonemes = gr.HTML(elem_id="phonemes", label="Phonemes: click a word to open them")
                    gr.Markdown("### Which voice properties mattered\nAttribution of a property = mean drop of "
                                "p(target) over its levels. Click a cell to hear that level (a table cell plays the "
                                "level with the largest effect).")
                    paraling_table = gr.HTML(elem_id="paraling-table")
                    heatmaps = gr.Plot(show_label=False, elem_id="heatmaps")
                    downloads = gr.File(label="Downloads: explanation JSON, CSV tables, HTML report",
                                        file_count="multiple", interactive=False, elem_id="downloads")
                api_result = gr.JSON(visible=False)
                api_button = gr.Button(visible=False)
            clip_list, opened_folder = dataset_tab(model, heads, workspace)

        inputs = [audio, model, heads, transcript, words_file, targets, mask, pad_before, pad_after, properties, grid,
                  aligner, start, end, word_methods, repeats, contrast, unit_methods, checks, bands]
        outputs = [status, results, session, prediction, waveform, transcript_view, word_table, paraling_table,
                   heatmaps, picker, player, caption, transcript, targets, downloads, method_view, interactions, units,
                   band_chart, band_table, word_bands, phonemes, word_paraling, trust, trust_curves]
        # a run for a clip that is no longer current stops at its next update; a click meanwhile waits for that
        explain_button.click(run, [current_clip, *inputs], outputs, api_visibility="private",
                             trigger_mode="always_last")
        model.input(heads_hint, model, [model, heads], api_visibility="private", concurrency_limit=None)
        audio.input(new_clip, [audio, transcript, current_clip],
                    [transcript, words_file, status, results, session, start, end], api_visibility="private",
                    concurrency_limit=None)
        for bound in (start, end):  # change: typed, pasted or set by a script alike
            bound.change(new_segment, [audio, start, end, transcript, current_clip], [transcript, status],
                        api_visibility="private", concurrency_limit=None)
        if example_list is not None:
            example_list.load_input_event.then(example_clip, [audio, current_clip],
                                               [transcript, status, results, session, start, end],
                                               api_visibility="private", concurrency_limit=None)
        # playing a variant is light: it never waits behind running explanations
        picker.input(play_variant, [session, picker], [player, caption, picker], api_visibility="private",
                     concurrency_limit=None)
        method_view.input(show_method, [session, method_view], [waveform, transcript_view, word_table, trust,
                                                                trust_curves],
                          api_visibility="private", concurrency_limit=None)
        caption.click(play_selected, [session], [player, caption, picker], api_visibility="private",
                      concurrency_limit=None)
        api_button.click(explain_api, inputs, api_result, api_name="explain")
        demo.unload(end_session)

        def open_stored_clip(folder: str, event: gr.SelectData, page: gr.Request):
            """Event: a row of the Dataset tab's clip list opens that clip here (a failure: the status says why)."""
            try:
                views = stored_clip_views(folder, event.index[0], workspace, page.session_hash)
            except Exception as exc:  # noqa: BLE001 - one line for the user, the traceback (if any) in the log
                views = {"status": status_html(user_message(exc, "open a stored clip"), "error"),
                         "results": gr.update(visible=False)}
            components = dict(zip(OUTPUTS, outputs))
            return {components[name]: value for name, value in views.items()}

        clip_list.select(open_stored_clip, opened_folder, outputs, api_visibility="private").success(
            None, js="() => document.querySelector('#tab-clip-button').click()")
    return demo


def open_results(folder: str) -> tuple:
    """Event: summarise an explain-dataset results folder (outputs: see ``DatasetView.outputs``,
    then the folder, for opening its clips). Its report is served from where it lies (a local run opens
    a folder anywhere); a failure empties the views and the status says why."""
    try:
        view = load_summary(allowed_results_folder(folder))
    except Exception as exc:  # noqa: BLE001 - one line for the user, the traceback (if any) in the log
        return dataset_failure(user_message(exc, "open results folder"))
    gr.set_static_paths([view.report])  # this one file, not the folder
    return (*view.outputs(), str(view.folder))


def dataset_failure(message: str) -> tuple:
    """The Dataset tab's outputs after a failure: the message in the status, every view empty."""
    return (f"**Not done:** {markdown_text(message)}", *([None] * 9), "")


def markdown_text(text: str) -> str:
    """``text`` shown literally in Markdown (its markup characters escaped)."""
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~-])", r"\\\1", text)


def explain_clips(files: list[str] | None, model: str, heads: str, workspace: Workspace, session: str | None,
                  progress=None) -> tuple:
    """Event: explain a few uploaded clips (with NAME.txt / NAME.words.json beside them) into ``session``'s
    workspace folder and summarise them."""
    report = None if progress is None else lambda done, total, _: progress(
        (done, total), desc="Explaining clips", unit="clips")
    try:
        spec = ModelSpec(allowed_model(model), heads or None, hosted=is_hosted())
        view = run_small_dataset(files or [], spec, workspace.new_folder(session), progress=report)
    except Exception as exc:  # noqa: BLE001 - one line for the user, the traceback (if any) in the log
        return dataset_failure(user_message(exc, "explain clips"))
    return (*view.outputs(), str(view.folder))


def benchmark_clips(files: list[str] | None, methods: list[str], model: str, heads: str, workspace: Workspace,
                    session: str | None, progress=None) -> tuple:
    """Event: benchmark the chosen word methods on a few uploaded clips (a manifest, or NAME.words.json
    timings beside each clip); outputs: the table and the HTML report."""
    report = None if progress is None else lambda done, total: progress(
        (done, total), desc="Benchmarking", unit="clips")
    try:
        spec = ModelSpec(allowed_model(model), heads or None, hosted=is_hosted())
        result = benchmark_uploads(files or [], spec, workspace.new_folder(session), methods, progress=report)
    except Exception as exc:  # noqa: BLE001 - one line for the user, the traceback (if any) in the log
        raise gr.Error(user_message(exc, "benchmark clips"), print_exception=False) from None
    return benchmark_display(result.table), str(result.report)


def dataset_tab(model: gr.Dropdown, heads: gr.Textbox, workspace: Workspace) -> tuple[gr.Dataframe, gr.State]:
    """The Dataset tab: global word, property and faithfulness views of many clips, and the list of
    clips (returned with the opened folder, for the event that opens a clip in the first tab)."""
    with gr.Tab("Dataset", id="dataset", elem_id="tab-dataset"):
        gr.Markdown(f"Open a `speechxai explain-dataset` results folder, or explain up to {MAX_APP_ITEMS} clips "
                    "with the model chosen on the first tab (add `NAME.txt` transcripts or `NAME.words.json` "
                    "timings next to the clips).")
        with gr.Row():
            folder = gr.Textbox(label="Results folder on the server", scale=3, elem_id="results-folder")
            open_button = gr.Button("Open", scale=1, elem_id="open-results")
        with gr.Row():
            files = gr.File(file_count="multiple", type="filepath", label="Clips and transcripts", scale=3)
            run_button = gr.Button("Explain these clips", scale=1, variant="primary")
        with gr.Row():
            bench_methods = gr.CheckboxGroup(method_choices(), value=["loo", "lime", "shapley"], scale=3,
                                             label=f"Benchmark word methods on these clips (up to {MAX_BENCHMARK_CLIPS}; "
                                                   "a manifest.jsonl with carriers, or NAME.words.json timings)",
                                             elem_id="benchmark-methods")
            bench_button = gr.Button("Benchmark methods", scale=1, elem_id="run-benchmark")
        bench_table = gr.Dataframe(label="Word methods: faithfulness, plausibility, time (means over clips; random: "
                                         "random word scores)", interactive=False, elem_id="benchmark-table")
        bench_report = gr.File(label="Benchmark report", interactive=False, elem_id="benchmark-report")
        status = gr.Markdown(elem_id="dataset-status")
        opened = gr.State("")
        clips = gr.Dataframe(label="Clips: choose one to see its explanation on the first tab", interactive=False,
                             elem_id="dataset-clips", max_height=360)
        # the figures carry their own titles
        words_plot, paraling_plot, faith_plot = (gr.Plot(show_label=False, elem_id=f"dataset-{name}")
                                                 for name in ("words", "paralinguistic", "faithfulness"))
        tables = [gr.Dataframe(label=label, interactive=False, elem_id=f"dataset-{name}-table", max_height=400)
                  for name, label in (("words", "Top words per class"), ("paralinguistic", "Paralinguistic attribution "
                                      "(mean ± std over clips)"), ("faithfulness", "Faithfulness vs random"),
                                      ("errors", "Failed items"))]
        report = gr.File(label="HTML report", interactive=False, elem_id="dataset-report")
        outputs = [status, words_plot, paraling_plot, faith_plot, clips, *tables, report, opened]

        def explain_uploads(files, model, heads, page: gr.Request, progress=gr.Progress()):
            return explain_clips(files, model, heads, workspace, page.session_hash, progress)

        def benchmark_uploaded(files, methods, model, heads, page: gr.Request, progress=gr.Progress()):
            return benchmark_clips(files, methods, model, heads, workspace, page.session_hash, progress)

        open_button.click(open_results, folder, outputs, api_visibility="private")
        bench_button.click(benchmark_uploaded, [files, bench_methods, model, heads], [bench_table, bench_report],
                           api_visibility="private")
        run_button.click(explain_uploads, [files, model, heads], outputs, api_visibility="private")
    return clips, opened


def launch_options(limits: Limits | None = None) -> dict:
    """Arguments for ``launch`` shared by ``python app.py`` and the tests."""
    limits = limits or Limits.from_env()
    return {"js": PAGE_JS, "css": PAGE_CSS, "max_file_size": f"{limits.max_file_mb * 2:g}mb",
            "theme": gr.themes.Soft()}


def count_gradio_files(workspace: Workspace, cache: PrivateCache, demo: gr.Blocks) -> None:
    """Gradio's files (uploads, player clips) count against the workspace's cap and age with it."""
    workspace.count_also(cache.folder, lambda: kept_files(demo))
    workspace.prune_every(max(1.0, min(workspace.max_age_s / 2, 600.0)),
                          lambda: cache.prune(workspace.max_age_s, kept_files(demo)))


def main() -> None:
    """Serve until SIGINT or SIGTERM, then remove every file the app wrote."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop_on_sigterm()
    limits = Limits.from_env()
    cache, leftovers = PrivateCache.create(), TempLeftovers()
    workspace = Workspace(limits.file_max_age_s, limits.workspace_max_mb)
    demo = build_app(limits, workspace=workspace)
    count_gradio_files(workspace, cache, demo)
    demo.queue(default_concurrency_limit=limits.concurrency, max_size=limits.queue_size)
    warm_up(os.environ.get("SPEECHXAI_DEFAULT_MODEL", "demo"))
    try:
        demo.launch(server_name=server_name(),
                    server_port=int(os.environ.get("PORT", os.environ.get("GRADIO_SERVER_PORT", 7860))),
                    **launch_options(limits))
    except KeyboardInterrupt:
        pass
    finally:
        demo.close()
        workspace.cleanup()
        cache.remove()
        leftovers.remove()
        log.info("stopped; temporary files removed")


if __name__ == "__main__":
    main()
