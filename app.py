"""SpeechXAI web app: upload or record a clip, pick a model, see and hear why it decided.

Layout and events only; the science lives in ``speechxai_core``.
Run: ``python app.py`` (serves http://localhost:7860; see README, section App).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Iterator

import gradio as gr

from speechxai_core.dataset.views import MAX_APP_ITEMS, load_summary, run_small_dataset
from speechxai_core.errors import SpeechXAIError
from speechxai_core.models import PRESETS, resolve
from speechxai_core.perturb.masking import MASK_STRATEGIES
from speechxai_core.perturb.variants import PROPERTIES
from speechxai_core.serving.downloads import write_downloads
from speechxai_core.serving.examples import EXAMPLES_DIR, find_examples
from speechxai_core.serving.gpu import gpu_task
from speechxai_core.serving.limits import Limits
from speechxai_core.serving.results_folders import allowed_results_folder
from speechxai_core.serving.runner import ExplainRequest, Update, aligner_choices, stream_explanation
from speechxai_core.serving.session import Session
from speechxai_core.serving.workspace import Workspace
from speechxai_core.viz import (
    heatmap_figure, paralinguistic_table_html, prediction_html, transcript_html, variant_choices, waveform_figure,
    word_table_html,
)
from speechxai_core.viz.style import PROPERTY_TITLES, escape

log = logging.getLogger("speechxai.app")

# Clicks on any [data-variant] element (tables, transcript) and on plotly marks with a variant id in
# customdata are forwarded to the player through window.speechxaiSelect (defined by the caption below).
PAGE_JS = """
() => {
  const pick = (id) => { if (window.speechxaiSelect && id) window.speechxaiSelect(id); };
  document.addEventListener('click', (event) => {
    const element = event.target.closest && event.target.closest('[data-variant]');
    if (element) pick(element.dataset.variant);
  });
  const hook = (plot) => {
    if (plot.__speechxai || !plot.on) return;
    plot.__speechxai = true;
    plot.on('plotly_click', (data) => {
      const point = data && data.points && data.points[0];
      if (point && typeof point.customdata === 'string') pick(point.customdata);
    });
  };
  const scan = () => document.querySelectorAll('.js-plotly-plot').forEach(hook);
  new MutationObserver(scan).observe(document.body, {childList: true, subtree: true});
  scan();
}
"""
PAGE_CSS = """
.gradio-container {overflow: clip !important}
#status .sx-error {color: #b91c1c; font-weight: 600}
#status .sx-notice {color: #b45309}
#status progress {width: 60%; vertical-align: middle; accent-color: #6366f1}
#status .sx-progress {font-size: 13px; color: #4b5563; margin-top: 4px}
#player-bar {position: sticky; top: 0; z-index: 20; background: var(--background-fill-primary);
  border-bottom: 1px solid var(--border-color-primary)}
.sx-pick:hover {outline: 2px solid #111827; cursor: pointer}
"""
BRIDGE_JS = "window.speechxaiSelect = (variant) => trigger('click', {variant: variant});"


def model_choices() -> list[tuple[str, str]]:
    return [(f"{name} — {preset.description}", name) for name, preset in PRESETS.items()]


def heads_hint(model: str) -> dict:
    """Event: a new model clears the heads box and shows the model's default heads spec in it."""
    spec = resolve(model).heads if model else None
    return gr.update(value="", placeholder=spec or "one head with all classes (or e.g. action:6,object:14,location:4)")


def forget_filled_transcript(transcript: str, filled: str) -> tuple:
    """Event: a new clip clears the transcript box if it still holds the words found for the last clip."""
    if filled and (transcript or "").strip() == filled:
        return "", ""
    return gr.skip(), gr.skip()


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
           "paraling_table", "heatmaps", "picker", "player", "caption", "transcript", "filled_transcript", "targets",
           "downloads")


def run_views(request: ExplainRequest, limits: Limits, workspace: Workspace, progress=None) -> Iterator[dict]:
    """Stream the explanation as view updates keyed by output name (see ``OUTPUTS``); progress reports
    update the status line and call ``progress(done, total)``.

    Errors end the stream with a message in ``status`` (and in ``error``, which is no output);
    the views keep the previous result.
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
                yield snapshot_views(update, request, workspace, first=not shown, started=started)
                shown = True
    except (SpeechXAIError, ValueError) as exc:
        yield {"status": status_html(str(exc), "error"), "error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - the page must keep working whatever happens
        log.exception("explanation failed")
        message = f"Internal error: {type(exc).__name__}: {exc}"
        yield {"status": status_html(message, "error"), "error": message}


def snapshot_views(update: Update, request: ExplainRequest, workspace: Workspace, first: bool,
                   started: float) -> dict:
    """Every view of one snapshot; the first also loads the original into the player."""
    explanation = update.explanation
    current = Session(explanation, update.clip)
    views = {
        "status": status_html(*snapshot_message(update, started)),
        "session": current,
        "prediction": prediction_html(explanation),
        "waveform": waveform_figure(explanation, update.clip.samples),
        "transcript_view": transcript_html(explanation),
        "word_table": word_table_html(explanation),
        "paraling_table": paralinguistic_table_html(explanation),
        "heatmaps": heatmap_figure(explanation),
        "picker": gr.update(choices=variant_choices(explanation)),
    }
    if first:
        views |= {"results": gr.update(visible=True), "player": current.play("original"),
                  "caption": current.caption("original"), "targets": gr.update(info=classes_info(explanation)),
                  "picker": gr.update(choices=variant_choices(explanation), value="original")}
        if not request.transcript.strip() and explanation.words and \
                "alignment_fallback" not in explanation.warning_codes():
            views["transcript"] = views["filled_transcript"] = " ".join(word.word for word in explanation.words)
    if explanation.complete:
        views["downloads"] = write_downloads(explanation, update.clip.samples, workspace.new_folder())
    return views


def play_variant(current: Session | None, variant: str) -> tuple:
    """Player value, caption and picker value for ``variant`` of the current result."""
    if current is None or not variant:
        return gr.skip(), gr.skip(), gr.skip()
    try:
        return current.play(variant), current.caption(variant), gr.update(value=variant)
    except (SpeechXAIError, KeyError) as exc:
        gr.Warning(str(exc))
        return gr.skip(), gr.skip(), gr.skip()


def explain_json(request: ExplainRequest, limits: Limits) -> dict:
    """The final explanation as a JSON-ready dict, plus ``notice`` (empty unless a part was skipped)."""
    final = None
    for final in stream_explanation(request, limits):
        pass
    return final.explanation.to_dict() | {"notice": final.notice}


def build_app(limits: Limits | None = None, default_model: str | None = None,
              examples_dir: str | Path = EXAMPLES_DIR) -> gr.Blocks:
    """The page; ``default_model`` (else $SPEECHXAI_DEFAULT_MODEL, else ``demo``) is preselected."""
    limits = limits or Limits.from_env()
    default_model = default_model or os.environ.get("SPEECHXAI_DEFAULT_MODEL", "demo")
    workspace = Workspace()

    @gpu_task
    def run(audio, model, heads, transcript, words_file, targets, mask, pad_before, pad_after, properties, grid,
            aligner, start=None, end=None, progress=gr.Progress()):
        """Event: stream the explanation into every view, word level first, then property by property."""
        request = ExplainRequest(audio, model or "demo", heads or "", transcript or "", words_file, targets or "",
                                 mask, pad_before, pad_after, list(properties or []), grid, aligner or "auto",
                                 start, end)
        components = dict(zip(OUTPUTS, outputs))
        for views in run_views(request, limits, workspace, lambda done, total: progress(
                (done, total), desc="Scoring variants", unit="variants")):
            if "error" in views:
                gr.Warning(views.pop("error"))
            yield {components[name]: value for name, value in views.items()}

    def play_selected(current: Session | None, event: gr.EventData):
        """Event: a word, table cell or heatmap level was clicked."""
        return play_variant(current, getattr(event, "variant", ""))

    @gpu_task
    def explain_api(audio, model=None, heads=None, transcript=None, words_file=None, targets=None, mask=None,
                    pad_before=None, pad_after=None, properties=None, grid=None, aligner=None, start=None,
                    end=None) -> dict:
        """API: explain a clip and return the explanation as JSON (same fields as the JSON download)."""
        request = ExplainRequest(audio, model or "demo", heads or "", transcript or "", words_file, targets or "",
                                 mask or "zeros", pad_before or 0, pad_after or 0,
                                 list(PROPERTIES if properties is None else properties), grid or "fast",
                                 aligner or "auto", start, end)
        try:
            return explain_json(request, limits)
        except (SpeechXAIError, ValueError) as exc:
            raise gr.Error(str(exc)) from None

    with gr.Blocks(title="SpeechXAI", delete_cache=(1800, 3600)) as demo:
        session = gr.State(None, time_to_live=3600)
        filled_transcript = gr.State("")
        gr.Markdown("# SpeechXAI\nWhich **words** and which **voice properties** drove a speech classifier's "
                    "decision? Upload or record a clip, pick a model, press *Explain*, then click any word, "
                    "table cell or heatmap level to hear exactly the audio the model scored.")
        with gr.Tab("Explain a clip", elem_id="tab-clip"):
            with gr.Row():
                with gr.Column(scale=1):
                    audio = gr.Audio(sources=["upload", "microphone"], type="filepath", label="Clip", elem_id="clip")
                    transcript = gr.Textbox(label="Transcript (optional)", elem_id="transcript",
                                            placeholder="Left empty, the words are found automatically; correct them "
                                                        "here and run again.")
                    words_file = gr.File(label="Word timings (JSON / CSV / TextGrid, optional)", type="filepath",
                                         file_types=[".json", ".csv", ".TextGrid", ".textgrid"], elem_id="words-file")
                with gr.Column(scale=1):
                    model = gr.Dropdown(model_choices(), value=default_model, allow_custom_value=True, elem_id="model",
                                        label="Model: a preset, a hub id or a local folder")
                    heads = gr.Textbox(label="Heads (name:size,…)", elem_id="heads",
                                       placeholder=resolve(default_model).heads or "one head with all classes")
                    with gr.Accordion("Options", open=False):
                        targets = gr.Textbox(label="Class to explain per head", elem_id="targets",
                                             placeholder="default: the predicted class · e.g. object=lights")
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
                        with gr.Row():
                            start = gr.Number(None, label="Explain from (s)", minimum=0, elem_id="segment-start")
                            end = gr.Number(None, label="Explain up to (s)", minimum=0, elem_id="segment-end")
                    explain_button = gr.Button("Explain", variant="primary", elem_id="explain")
                    status = gr.HTML(elem_id="status")
            examples = find_examples(examples_dir)
            if examples:
                gr.Examples([[wav, timings] for wav, timings in examples], inputs=[audio, words_file],
                            label="Example clips")
            with gr.Column(visible=False, elem_id="results") as results:
                prediction = gr.HTML(elem_id="prediction")
                with gr.Row(elem_id="player-bar", equal_height=True):
                    picker = gr.Dropdown([], label="Play a scored variant", elem_id="picker", scale=1)
                    player = gr.Audio(label="Player", type="numpy", interactive=False, autoplay=True, elem_id="player",
                                      scale=2)
                    caption = gr.HTML(elem_id="caption", js_on_load=BRIDGE_JS, scale=1)
                gr.Markdown("### Which words mattered\nAttribution of a word = p(target) − p(target | word masked): "
                            "red, the word supported the explained class; blue, it worked against it. "
                            "Click a word to hear the clip with that word masked.")
                waveform = gr.Plot(show_label=False, elem_id="waveform")
                with gr.Row():
                    transcript_view = gr.HTML(elem_id="transcript-view")
                    word_table = gr.HTML(elem_id="word-table")
                gr.Markdown("### Which voice properties mattered\nAttribution of a property = mean drop of "
                            "p(target) over its levels. Click a cell to hear that level (a table cell plays the "
                            "level with the largest effect).")
                paraling_table = gr.HTML(elem_id="paraling-table")
                heatmaps = gr.Plot(show_label=False, elem_id="heatmaps")
                downloads = gr.File(label="Downloads: explanation JSON, CSV tables, HTML report",
                                    file_count="multiple", interactive=False, elem_id="downloads")
            api_result = gr.JSON(visible=False)
            api_button = gr.Button(visible=False)
        dataset_tab(model, heads)

        inputs = [audio, model, heads, transcript, words_file, targets, mask, pad_before, pad_after, properties, grid,
                  aligner, start, end]
        outputs = [status, results, session, prediction, waveform, transcript_view, word_table, paraling_table,
                   heatmaps, picker, player, caption, transcript, filled_transcript, targets, downloads]
        explain_button.click(run, inputs, outputs, api_visibility="private")
        model.input(heads_hint, model, heads, api_visibility="private", concurrency_limit=None)
        audio.input(forget_filled_transcript, [transcript, filled_transcript], [transcript, filled_transcript],
                    api_visibility="private", concurrency_limit=None)
        # playing a variant is light: it never waits behind running explanations
        picker.input(play_variant, [session, picker], [player, caption, picker], api_visibility="private",
                     concurrency_limit=None)
        caption.click(play_selected, [session], [player, caption, picker], api_visibility="private",
                      concurrency_limit=None)
        api_button.click(explain_api, inputs, api_result, api_name="explain")
    return demo


def open_results(folder: str) -> tuple:
    """Event: summarise an explain-dataset results folder."""
    try:
        return load_summary(allowed_results_folder(folder)).outputs()
    except (SpeechXAIError, ValueError, OSError) as exc:
        raise gr.Error(str(exc)) from None


def explain_clips(files: list[str] | None, model: str, heads: str, progress=gr.Progress()) -> tuple:
    """Event: explain a few uploaded clips (with NAME.txt / NAME.words.json beside them) and summarise."""
    try:
        return run_small_dataset(files or [], model or "demo", heads=heads or None, progress=lambda done, total, _: (
            progress((done, total), desc="Explaining clips", unit="clips"))).outputs()
    except (SpeechXAIError, ValueError, OSError) as exc:
        raise gr.Error(str(exc)) from None


def dataset_tab(model: gr.Dropdown, heads: gr.Textbox) -> None:
    """The Dataset tab: global word, property and faithfulness views of many clips."""
    with gr.Tab("Dataset", elem_id="tab-dataset"):
        gr.Markdown(f"Open a `speechxai explain-dataset` results folder, or explain up to {MAX_APP_ITEMS} clips "
                    "with the model chosen on the first tab (add `NAME.txt` transcripts or `NAME.words.json` "
                    "timings next to the clips).")
        with gr.Row():
            folder = gr.Textbox(label="Results folder on the server", scale=3, elem_id="results-folder")
            open_button = gr.Button("Open", scale=1, elem_id="open-results")
        with gr.Row():
            files = gr.File(file_count="multiple", type="filepath", label="Clips and transcripts", scale=3)
            run_button = gr.Button("Explain these clips", scale=1, variant="primary")
        status = gr.Markdown(elem_id="dataset-status")
        words_plot, paraling_plot, faith_plot = gr.Plot(), gr.Plot(), gr.Plot()
        tables = [gr.Dataframe(label=label) for label in (
            "Top words per class", "Paralinguistic attribution", "Faithfulness vs random", "Failed items")]
        report = gr.File(label="HTML report")
        outputs = [status, words_plot, paraling_plot, faith_plot, *tables, report]
        open_button.click(open_results, folder, outputs, api_visibility="private")
        run_button.click(explain_clips, [files, model, heads], outputs, api_visibility="private")


def launch_options(limits: Limits | None = None) -> dict:
    """Arguments for ``launch`` shared by ``python app.py`` and the tests."""
    limits = limits or Limits.from_env()
    return {"js": PAGE_JS, "css": PAGE_CSS, "max_file_size": f"{limits.max_file_mb * 2:g}mb",
            "theme": gr.themes.Soft()}


def main() -> None:
    limits = Limits.from_env()
    demo = build_app(limits)
    demo.queue(default_concurrency_limit=limits.concurrency, max_size=limits.queue_size)
    demo.launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "0.0.0.0"),
                server_port=int(os.environ.get("PORT", os.environ.get("GRADIO_SERVER_PORT", 7860))),
                **launch_options(limits))


if __name__ == "__main__":
    main()
