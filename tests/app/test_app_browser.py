"""The app in real headless Chromium (Debian's build, driven by Playwright).

Screenshots are saved under test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr

from speechxai_core import Explanation, variant_audio
from speechxai_core.perturb import PROPERTIES
from speechxai_core.serving.session import pcm16
from tests.app.browser import DONE, playwright_api
from tests.app.conftest import HEADS, SR, WORDS, launch_chromium, spoken_like_clip

pytestmark = pytest.mark.browser
# Page coordinates of a plotly point: trace ``trace`` at data (x, y), in the plot inside ``selector``.
POINT_JS = """([selector, trace, x, y]) => {
  const plot = document.querySelector(selector + ' .js-plotly-plot');
  plot.scrollIntoView({block: 'center'});
  const data = plot._fullData[trace];
  const xa = plot._fullLayout[data.xaxis.replace('x', 'xaxis')];
  const ya = plot._fullLayout[data.yaxis.replace('y', 'yaxis')];
  const box = plot.getBoundingClientRect();
  return [box.left + xa._offset + xa.l2p(x), box.top + ya._offset + ya.l2p(y)];
}"""


def fill(page, selector: str, text: str) -> None:
    page.locator(f"{selector} textarea, {selector} input").first.fill(text)


def explain_and_wait(page) -> None:
    page.click("#explain")
    page.wait_for_function(DONE, timeout=90_000)


def player_audio(page, variant: str) -> np.ndarray:
    """Wait until the player holds ``variant``, then download what it plays."""
    page.wait_for_selector(f"#caption [data-playing='{variant}']", timeout=20_000)
    href = page.get_attribute("#player a[data-testid='download-link']", "href")
    samples, sr = sf.read(io.BytesIO(page.request.get(href).body()), dtype="int16")
    assert sr == SR
    return samples


def current_explanation(page) -> Explanation:
    """The explanation JSON offered as a download."""
    href = page.get_attribute("#downloads a[download$='.explanation.json']", "href")
    return Explanation.from_json(page.request.get(href).text())


def test_upload_explain_and_play_what_was_scored(page, app_url, clip_files, artifacts):
    page.goto(app_url)
    page.locator("#clip input[type=file]").set_input_files(clip_files["wav"])
    page.locator("#words-file input[type=file]").set_input_files(clip_files["words"])
    fill(page, "#heads", HEADS)
    page.click("#explain")
    page.wait_for_selector("#waveform .js-plotly-plot .bars", timeout=90_000)
    page.wait_for_function(DONE, timeout=90_000)
    assert page.locator("#heatmaps .js-plotly-plot .hm").count() == len(PROPERTIES)  # one heatmap per property
    assert page.locator("#prediction [data-head]").count() == 3
    page.screenshot(path=artifacts / "app_explained.png", full_page=True)
    explanation = current_explanation(page)
    assert [w.word for w in explanation.words] == ["turn", "on", "lights"]

    # a word in the highlighted transcript: the player gets that word masked
    page.click("#transcript-view [data-variant='word:2']")
    played = player_audio(page, "word:2")
    np.testing.assert_array_equal(played, pcm16(variant_audio(explanation, clip_files["wav"], "word:2")))
    masked = slice(int(WORDS[2]["start"] * SR), int(WORDS[2]["end"] * SR))
    assert np.all(played[masked] == 0) and np.abs(played[: masked.start]).max() > 1000
    assert 'word 3 "lights" masked' in page.inner_text("#caption")

    # a word span on the waveform plot (a real mouse click on the plotly bar)
    x, y = page.evaluate(POINT_JS, ["#waveform", 0, (WORDS[0]["start"] + WORDS[0]["end"]) / 2, 0.25])
    page.mouse.click(x, y)
    np.testing.assert_array_equal(player_audio(page, "word:0"),
                                  pcm16(variant_audio(explanation, clip_files["wav"], "word:0")))

    # a heatmap level: "White noise" row 'object', column 10 dB (after the original column)
    x, y = page.evaluate(POINT_JS, ["#heatmaps", 4, 2, 1])
    page.mouse.click(x, y)
    np.testing.assert_array_equal(player_audio(page, "noise:10"),
                                  pcm16(variant_audio(explanation, clip_files["wav"], "noise:10")))
    record = explanation.variant("noise:10")
    assert f"p({explanation.heads[1].target}) {explanation.heads[1].probability:.3f} → " \
           f"{record.probabilities['object']:.3f}" in page.inner_text("#caption")

    # a paralinguistic table cell plays the level with the largest effect for that head
    cell = page.locator("#paraling-table tr", has_text="Reverberation").locator("td").nth(3)
    variant = cell.get_attribute("data-variant")
    drops = explanation.paralinguistic_drops["location"]["reverb"]
    levels = explanation.paralinguistic_levels["reverb"]
    assert variant == f"reverb:{levels[int(np.argmax(np.abs(drops)))]:g}"
    cell.click()
    player_audio(page, variant)
    page.screenshot(path=artifacts / "app_playing_variant.png")

    # the transcript box shows the words used; a new clip clears it (it belonged to the old clip)
    assert page.input_value("#transcript textarea") == "turn on lights"
    page.click("#clip button[aria-label='Clear']")
    page.locator("#clip input[type=file]").set_input_files(clip_files["wav"])
    page.wait_for_function("document.querySelector('#transcript textarea').value === ''", timeout=10_000)


def test_record_from_the_microphone_and_explain(app_url, clip_files, artifacts, tmp_path):
    fake_mic = tmp_path / "mic.wav"
    sf.write(fake_mic, soxr.resample(spoken_like_clip(), SR, 48_000), 48_000, subtype="PCM_16")
    media = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
             f"--use-file-for-fake-audio-capture={fake_mic}"]
    with playwright_api.sync_playwright() as playwright:
        context = launch_chromium(playwright, tmp_path / "profile", media)
        page = context.pages[0]
        page.goto(app_url)
        page.click("#clip button[aria-label='Record audio']")
        page.click("#clip button.record-button")
        page.wait_for_timeout(2500)
        page.click("#clip button.stop-button")
        fill(page, "#transcript", "turn on lights")
        fill(page, "#heads", HEADS)
        page.wait_for_timeout(1000)  # the recording is uploaded when recording stops
        explain_and_wait(page)
        page.screenshot(path=artifacts / "app_microphone.png", full_page=True)
        explanation = current_explanation(page)
        context.close()
    assert 1.5 < explanation.audio["duration"] < 4.0
    if explanation.settings["aligner"]["name"] != "windows":  # the transcript's words were placed
        assert [w.word for w in explanation.words] == ["turn", "on", "lights"]
    assert len(explanation.word_scores["object"]) == len(explanation.words) >= 3
    assert len(explanation.paralinguistic["object"]) == len(PROPERTIES)
    assert max(abs(v) for v in explanation.paralinguistic["object"].values()) > 1e-3  # not a silent recording


def test_a_non_audio_file_shows_a_message_and_the_page_keeps_working(page, app_url, clip_files, artifacts):
    page.goto(app_url)
    page.locator("#clip input[type=file]").set_input_files(clip_files["not_audio"])
    fill(page, "#heads", HEADS)
    page.wait_for_timeout(1000)
    page.click("#explain")
    page.wait_for_selector("#status .sx-error", timeout=60_000)
    message = page.inner_text("#status")
    assert "notes.wav: not a readable audio file" in message
    page.screenshot(path=artifacts / "app_error.png", full_page=True)

    page.click("#clip button[aria-label='Clear']")
    page.locator("#clip input[type=file]").set_input_files(clip_files["wav"])
    fill(page, "#transcript", "turn on lights")
    page.wait_for_timeout(1000)
    explain_and_wait(page)
    assert page.locator("#status .sx-error").count() == 0
    assert page.locator("#word-table [data-variant='word:2']").count() == 4


def test_the_html_report_opens_offline(page, model_dir, clip_files, artifacts, tmp_path):
    from speechxai_core import explain, load_audio
    from speechxai_core.reports.clip_html import build_report

    explanation = explain(clip_files["wav"], model_dir, heads=HEADS, words=clip_files["words"], grid="fast")
    report = tmp_path / "report.html"
    report.write_text(build_report(explanation, load_audio(clip_files["wav"]).samples), encoding="utf-8")
    page.context.set_offline(True)
    page.goto(report.as_uri())
    page.wait_for_selector(".js-plotly-plot .hm", timeout=20_000)
    assert page.locator(".js-plotly-plot").count() == 2
    assert page.locator(".js-plotly-plot .hm").count() == len(PROPERTIES) and page.locator(".js-plotly-plot .bars").count() >= 1
    assert page.evaluate("document.querySelector('audio').duration") == pytest.approx(1.6, abs=0.01)
    page.screenshot(path=artifacts / "report.png", full_page=True)


EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"
RUNNING = "document.querySelector('#status .generating') !== null"
IDLE = "document.querySelector('#status .generating') === null"


def new_clip(page, path) -> None:
    """Replace the clip as a user does: remove the current one, upload another."""
    if page.locator("#clip button[aria-label='Clear']").count():
        page.click("#clip button[aria-label='Clear']")
    page.locator("#clip input[type=file]").set_input_files(str(path))
    page.wait_for_selector("#clip audio, #clip [data-testid='waveform-Clip'], #clip .waveform-container",
                           state="attached", timeout=20_000)
    page.wait_for_timeout(800)  # the upload event reaches the server


def test_an_examples_word_timings_stay_with_the_example(page, app_url, clip_files, artifacts):
    """Issue sequence: choose the example "lamp_off_in_the_bedroom", upload another clip, press Explain."""
    page.goto(app_url)
    page.get_by_text("lamp_off_in_the_bedroom.wav").first.click()
    page.wait_for_function("document.querySelector('#words-file').innerText.includes('lamp_off_in_the_bedroom')",
                           timeout=20_000)
    new_clip(page, clip_files["wav"])
    page.wait_for_function("!document.querySelector('#words-file').innerText.includes('lamp_off')", timeout=10_000)
    fill(page, "#heads", HEADS)
    explain_and_wait(page)
    page.screenshot(path=artifacts / "app_new_clip_after_example.png", full_page=True)
    explanation = current_explanation(page)
    assert explanation.audio["name"] == "command.wav"
    words = [word.word for word in explanation.words]
    assert "lamp" not in words and "bedroom" not in words
    assert explanation.settings["aligner"]["name"] != "given"  # no timings file was used
    assert not any(word.start == pytest.approx(0.055) for word in explanation.words)


def test_a_run_for_an_earlier_clip_never_fills_the_page(page, app_url, tmp_path, artifacts):
    """Issue sequence: upload clip A, press Explain, upload clip B while A runs; then Explain B."""
    first = [sf.read(EXAMPLES / f"{name}.wav")[0] for name in ("please_bring_my_newspaper_from_the_kitchen",
                                                               "decrease_the_washroom_volume_now")]
    clip_a, clip_b = tmp_path / "a.wav", tmp_path / "b.wav"
    sf.write(clip_a, np.concatenate(first), SR)
    sf.write(clip_b, sf.read(EXAMPLES / "lamp_off_in_the_bedroom.wav")[0], SR)
    page.goto(app_url)
    fill(page, "#heads", HEADS)
    new_clip(page, clip_a)
    page.click("#explain")
    page.wait_for_function(RUNNING, timeout=20_000)
    new_clip(page, clip_b)  # while A is transcribed and scored
    page.wait_for_function(IDLE, timeout=90_000)  # A's run has ended
    page.wait_for_timeout(1500)
    assert page.input_value("#transcript textarea") == "", "A's transcript reached the page of clip B"
    assert not page.locator("#results").is_visible()
    assert "Done" not in page.inner_text("#status")
    page.screenshot(path=artifacts / "app_clip_changed_during_run.png", full_page=True)

    explain_and_wait(page)
    explanation = current_explanation(page)
    assert explanation.audio["name"] == "b.wav"
    assert explanation.audio["duration"] == pytest.approx(1.6, abs=0.01)
    transcript = page.input_value("#transcript textarea")
    assert "newspaper" not in transcript.lower() and "washroom" not in transcript.lower()
    assert all(word.end <= 1.61 for word in explanation.words)
    assert explanation.settings["aligner"]["name"] != "given"
    assert not {"newspaper", "washroom", "volume"} & {word.word.lower().strip(".,") for word in explanation.words}
def test_choose_word_methods_switch_the_view_and_play_a_coalition(page, app_url, clip_files, artifacts):
    page.goto(app_url)
    page.locator("#clip input[type=file]").set_input_files(clip_files["wav"])
    page.locator("#words-file input[type=file]").set_input_files(clip_files["words"])
    page.get_by_text("Options").click()
    for label in ("Shapley", "LIME"):
        page.locator("#word-methods label", has_text=label).click()
    page.click("#explain")
    page.wait_for_selector("#interactions .js-plotly-plot .hm", timeout=120_000)
    page.wait_for_function(DONE, timeout=120_000)
    explanation = current_explanation(page)
    assert explanation.word_methods == ["loo", "shapley", "lime"]
    assert page.locator("#word-table table").get_attribute("data-method") == "loo"
    page.locator("#method-view label", has_text="LIME").click()
    page.wait_for_selector("#word-table table[data-method='lime']", timeout=20_000)
    assert "fit R²" in page.inner_text("#word-table")
    page.screenshot(path=artifacts / "app_methods.png", full_page=True)
    # an interaction cell (row "turn", column "on", head action) plays both words masked
    x, y = page.evaluate(POINT_JS, ["#interactions", 0, 1, 0])
    page.mouse.click(x, y)
    np.testing.assert_array_equal(player_audio(page, "words:0+1"),
                                  pcm16(variant_audio(explanation, clip_files["wav"], "words:0+1")))


def test_bands_and_phonemes_show_and_every_cell_plays(page, app_url, clip_files, artifacts):
    page.goto(app_url)
    page.locator("#clip input[type=file]").set_input_files(clip_files["wav"])
    page.locator("#words-file input[type=file]").set_input_files(clip_files["words"])
    fill(page, "#heads", HEADS)
    page.get_by_text("Options").click()
    fill(page, "#contrast", "object=c4")
    for label in ("Frequency bands", "Band LIME", "Word × band", "Phonemes"):
        page.locator("#unit-methods label", has_text=label).click()
    explain_and_wait(page)
    explanation = current_explanation(page)
    assert len(explanation.bands) == 8 and explanation.phonemes and explanation.heads[1].contrast == "c4"
    assert set(explanation.unit_method_scores["bands"]) == {"lime"}
    header = page.inner_text("table.sx-bands thead")
    assert header.count("LIME") == 3 and header.count("drop") == 3  # a LIME column per head beside the drops
    assert "rather than c4" in page.inner_text("#prediction")
    page.wait_for_selector("#band-chart .js-plotly-plot .bars", timeout=20_000)
    page.locator("#units").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "app_units_1280.png", full_page=True)
    # a band bar (head object, band 3): the clip without that band
    x, y = page.evaluate(POINT_JS, ["#band-chart", 1, 3, explanation.band_scores["object"][3] / 2])
    page.mouse.click(x, y)
    np.testing.assert_array_equal(player_audio(page, "band:3"),
                                  pcm16(variant_audio(explanation, clip_files["wav"], "band:3")))
    assert "removed: 1.1–1.8 kHz" in page.inner_text("#caption")
    # a word × band cell (head action, word "on", band 5)
    x, y = page.evaluate(POINT_JS, ["#word-bands", 0, 5, 1])
    page.mouse.click(x, y)
    np.testing.assert_array_equal(player_audio(page, "word_band:1:5"),
                                  pcm16(variant_audio(explanation, clip_files["wav"], "word_band:1:5")))
    # a word opens onto its phonemes; a phoneme plays masked
    details = page.locator("#phonemes details[data-word='2']")
    if details.get_attribute("open") is None:  # the word with the largest phoneme score opens by itself
        details.locator("summary").click()
    assert details.get_attribute("open") is not None
    last = max(i for i, p in enumerate(explanation.phonemes) if p.word_index == 2)
    page.locator(f"#phonemes details[data-word='2'] td[data-variant='phone:{last}']").first.click()
    np.testing.assert_array_equal(player_audio(page, f"phone:{last}"),
                                  pcm16(variant_audio(explanation, clip_files["wav"], f"phone:{last}")))
    assert "masked phoneme" in page.inner_text("#caption")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(800)
    page.locator("#band-chart").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "app_units_390.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 392  # nothing pushes the page wider than the phone


def test_the_number_of_bands_is_set_on_the_page(page, app_url, clip_files):
    page.goto(app_url)
    page.locator("#clip input[type=file]").set_input_files(clip_files["wav"])
    page.locator("#words-file input[type=file]").set_input_files(clip_files["words"])
    fill(page, "#heads", HEADS)
    page.get_by_text("Options").click()
    page.locator("#unit-methods label", has_text="Band LIME").click()
    box = page.locator("#bands input[type=number]")
    box.fill("5")
    box.press("Enter")
    explain_and_wait(page)
    explanation = current_explanation(page)
    assert len(explanation.bands) == 5 and set(explanation.unit_method_scores["bands"]) == {"lime"}
    assert page.locator("table.sx-bands tbody tr").count() == 5
