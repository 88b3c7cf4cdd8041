"""SpeechXAI web app (Gradio): upload a clip, pick a model, see why it decided."""

from __future__ import annotations

import os

import gradio as gr

from speechxai_core import explain
from speechxai_core.errors import SpeechXAIError
from speechxai_core.models import PRESETS
from speechxai_core.report_text import format_explanation


def run_explanation(audio_path: str | None, model: str, heads: str, words_file: str | None, transcript: str):
    """Event: explain the uploaded clip and return the text tables and the JSON."""
    if not audio_path:
        raise gr.Error("Upload or record a clip first.")
    try:
        result = explain(audio_path, model, heads=heads or None, words=words_file or None,
                         transcript=transcript or None, grid="fast",
                         methods=("loo", "paraling") if (words_file or transcript) else ("paraling",))
    except (SpeechXAIError, ValueError) as exc:
        raise gr.Error(str(exc)) from None
    return format_explanation(result), result.to_dict()


with gr.Blocks(title="SpeechXAI") as demo:
    gr.Markdown("# SpeechXAI\nWhich words and which voice properties drove a speech classifier's decision?")
    with gr.Row():
        audio = gr.Audio(sources=["upload", "microphone"], type="filepath", label="Clip")
        with gr.Column():
            model = gr.Dropdown(list(PRESETS), value="demo", allow_custom_value=True, label="Model (preset, hub id or folder)")
            heads = gr.Textbox(label="Heads (e.g. action:6,object:14,location:4)")
            transcript = gr.Textbox(label="Transcript (optional)")
            words = gr.File(label="Word timings (JSON/CSV, optional)", type="filepath")
    button = gr.Button("Explain", variant="primary")
    table = gr.Textbox(label="Explanation", lines=20)
    raw = gr.JSON(label="Explanation JSON")
    button.click(run_explanation, [audio, model, heads, words, transcript], [table, raw], api_name="explain")

if __name__ == "__main__":
    demo.queue(default_concurrency_limit=2).launch(server_name=os.environ.get("HOST", "0.0.0.0"), server_port=int(os.environ.get("PORT", 7860)))
