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
from speechxai_core.serving.current_clip import CurrentClip
from speechxai_core.serving.downloads import write_downloads
from speechxai_core.serving.errors import user_message
from speechxai_core.serving.examples import EXAMPLES_DIR, find_examples
from speechxai_core.serving.gpu import gpu_task
from speechxai_core.serving.hosting import server_name
from speechxai_core.serving.limits import Limits
from speechxai_core.serving.model_access import allowed_model
from speechxai_core.serving.results_folders import allowed_results_folder
from speechxai_core.serving.runner import ExplainRequest, Update, aligner_choices, stream_explanation
from speechxai_core.serving.session import Session
from speechxai_core.serving.shutdown import PrivateCache, kept_files, stop_on_sigterm
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


def new_clip(audio: str | None, current: CurrentClip) -> tuple:
    """Event: a clip was uploaded, recorded or removed. The transcript, word timings and results of the
    previous clip go with it; words typed before any clip stay for this one."""
    if not current.replace(audio):
        return (gr.skip(),) * 5
    return "", None, "", gr.update(visible=False), None


def example_clip(audio: str | None, current: CurrentClip) -> tuple:
    """Event: an example was chosen; it brings its own word timings, so only the transcript and results go."""
    current.replace(audio)
    return "", "", gr.update(visible=False), None


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
           "paraling_table", "heatmaps", "picker", "player", "caption", "transcript", "targets", "downloads")


def run_views(request: ExplainRequest, limits: Limits, workspace: Workspace, progress=None,
              session: str | None = None) -> Iterator[dict]:
    """Stream the explanation as view updates keyed by output name (see ``OUTPUTS``); progress reports
    update the status line and call ``progress(done, total)``.

    Errors end the stream with a message in ``status`` (and in ``error``, which is no output);
    the views keep the previous result. Downloads go to ``session``'s workspace folder.
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
                message = (f"Scoring {update.clip.duration:.1f} s of audio…", "info")
                yield {"status": status_html(*message)}
            else:
                message = snapshot_message(update, started)
                yield snapshot_views(update, request, workspace, first=not shown, started=started, session=session)
                shown = True
    except Exception as exc:  # noqa: BLE001 - the page must keep working whatever happens
        message = user_message(exc, "explain")
        yield {"status": status_html(message, "error"), "error": message}


def snapshot_views(update: Update, request: ExplainRequest, workspace: Workspace, first: bool,
                   started: float, session: str | None = None) -> dict:
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
        if not request.transcript.strip() and explanation.words and not update.notice:
            views["transcript"] = " ".join(word.word for word in explanation.words)
    if explanation.complete:
        folder = workspace.new_folder(session)
        views["downloads"] = write_downloads(explanation, update.clip.samples, folder)
        workspace.prune(keep=folder)
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
              examples_dir: str | Path = EXAMPLES_DIR, workspace: Workspace | None = None) -> gr.Blocks:
    """The page; ``default_model`` (else $SPEECHXAI_DEFAULT_MODEL, else ``demo``) is preselected.
    The app's files go to ``workspace`` (a new one by default)."""
    limits = limits or Limits.from_env()
    default_model = default_model or os.environ.get("SPEECHXAI_DEFAULT_MODEL", "demo")
    workspace = workspace or Workspace(limits.file_max_age_s, limits.workspace_max_mb)

    @gpu_task
    def run(current: CurrentClip, audio, model, heads, transcript, words_file, targets, mask, pad_before, pad_after,
            properties, grid, aligner, page: gr.Request, progress=gr.Progress()):
        """Event: stream the explanation into every view, word level first, then property by property,
        for as long as its clip is the page's current one."""
        if not current.claim(audio or ""):
            return
        request = ExplainRequest(audio, model or "demo", heads or "", transcript or "", words_file, targets or "",
                                 mask, pad_before, pad_after, list(properties or []), grid, aligner or "auto")
        components = dict(zip(OUTPUTS, outputs))
        for views in run_views(request, limits, workspace, lambda done, total: progress(
                (done, total), desc="Scoring variants", unit="variants"), session=page.session_hash):
            if not current.is_current(audio or ""):
                return  # another clip was given meanwhile: nothing of this run belongs on the page
            if "error" in views:
                gr.Warning(views.pop("error"))
            yield {components[name]: value for name, value in views.items()}

    def play_selected(current: Session | None, event: gr.EventData):
        """Event: a word, table cell or heatmap level was clicked."""
        return play_variant(current, getattr(event, "variant", ""))

    @gpu_task
    def explain_api(audio, model=None, heads=None, transcript=None, words_file=None, targets=None, mask=None,
                    pad_before=None, pad_after=None, properties=None, grid=None, aligner=None) -> dict:
        """API: explain a clip and return the explanation as JSON (same fields as the JSON download)."""
        request = ExplainRequest(audio, model or "demo", heads or "", transcript or "", words_file, targets or "",
                                 mask or "zeros", pad_before or 0, pad_after or 0,
                                 list(PROPERTIES if properties is None else properties), grid or "fast",
                                 aligner or "auto")
        try:
            return explain_json(request, limits)
        except Exception as exc:  # noqa: BLE001 - one line for the user, the traceback (if any) in the log
            raise gr.Error(user_message(exc, "explain (API)"), print_exception=False) from None

    def end_session(page: gr.Request) -> None:
        """Event: the page was closed; its files go."""
        workspace.drop_session(page.session_hash)

    age = max(1, int(limits.file_max_age_s))
    with gr.Blocks(title="SpeechXAI", delete_cache=(max(1, min(age // 2, 600)), age)) as demo:
        session = gr.State(None, time_to_live=age)
        current_clip = gr.State(CurrentClip())  # copied, empty, for each page session
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
                    explain_button = gr.Button("Explain", variant="primary", elem_id="explain")
                    status = gr.HTML(elem_id="status")
            examples = find_examples(examples_dir)
            example_list = gr.Examples([[wav, timings] for wav, timings in examples], inputs=[audio, words_file],
                                       label="Example clips") if examples else None
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
        dataset_tab(model, heads, workspace)

        inputs = [audio, model, heads, transcript, words_file, targets, mask, pad_before, pad_after, properties, grid,
                  aligner]
        outputs = [status, results, session, prediction, waveform, transcript_view, word_table, paraling_table,
                   heatmaps, picker, player, caption, transcript, targets, downloads]
        # a run for a clip that is no longer current stops at its next update; a click meanwhile waits for that
        explain_button.click(run, [current_clip, *inputs], outputs, api_visibility="private",
                             trigger_mode="always_last")
        model.input(heads_hint, model, heads, api_visibility="private", concurrency_limit=None)
        audio.input(new_clip, [audio, current_clip], [transcript, words_file, status, results, session],
                    api_visibility="private", concurrency_limit=None)
        if example_list is not None:
            example_list.load_input_event.then(example_clip, [audio, current_clip],
                                               [transcript, status, results, session], api_visibility="private",
                                               concurrency_limit=None)
        # playing a variant is light: it never waits behind running explanations
        picker.input(play_variant, [session, picker], [player, caption, picker], api_visibility="private",
                     concurrency_limit=None)
        caption.click(play_selected, [session], [player, caption, picker], api_visibility="private",
                      concurrency_limit=None)
        api_button.click(explain_api, inputs, api_result, api_name="explain")
        demo.unload(end_session)
    return demo


def open_results(folder: str) -> tuple:
    """Event: summarise an explain-dataset results folder."""
    try:
        return load_summary(allowed_results_folder(folder)).outputs()
    except Exception as exc:  # noqa: BLE001 - one line for the user, the traceback (if any) in the log
        raise gr.Error(user_message(exc, "open results folder"), print_exception=False) from None


def explain_clips(files: list[str] | None, model: str, heads: str, workspace: Workspace, session: str | None,
                  progress=None) -> tuple:
    """Event: explain a few uploaded clips (with NAME.txt / NAME.words.json beside them) into ``session``'s
    workspace folder and summarise them."""
    report = None if progress is None else lambda done, total, _: progress(
        (done, total), desc="Explaining clips", unit="clips")
    try:
        return run_small_dataset(files or [], allowed_model(model), workspace.new_folder(session),
                                 heads=heads or None, progress=report).outputs()
    except Exception as exc:  # noqa: BLE001 - one line for the user, the traceback (if any) in the log
        raise gr.Error(user_message(exc, "explain clips"), print_exception=False) from None


def dataset_tab(model: gr.Dropdown, heads: gr.Textbox, workspace: Workspace) -> None:
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

        def explain_uploads(files, model, heads, page: gr.Request, progress=gr.Progress()):
            return explain_clips(files, model, heads, workspace, page.session_hash, progress)

        open_button.click(open_results, folder, outputs, api_visibility="private")
        run_button.click(explain_uploads, [files, model, heads], outputs, api_visibility="private")


def launch_options(limits: Limits | None = None) -> dict:
    """Arguments for ``launch`` shared by ``python app.py`` and the tests."""
    limits = limits or Limits.from_env()
    return {"js": PAGE_JS, "css": PAGE_CSS, "max_file_size": f"{limits.max_file_mb * 2:g}mb",
            "theme": gr.themes.Soft()}


def main() -> None:
    """Serve until SIGINT or SIGTERM, then remove every file the app wrote."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop_on_sigterm()
    limits = Limits.from_env()
    cache = PrivateCache.create()
    workspace = Workspace(limits.file_max_age_s, limits.workspace_max_mb)
    demo = build_app(limits, workspace=workspace)
    workspace.prune_every(max(1.0, min(limits.file_max_age_s / 2, 600.0)),
                          lambda: cache.prune(limits.file_max_age_s, kept_files(demo)))
    demo.queue(default_concurrency_limit=limits.concurrency, max_size=limits.queue_size)
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
        log.info("stopped; temporary files removed")


if __name__ == "__main__":
    main()
