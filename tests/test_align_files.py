"""Word timings from and to files: WhisperX JSON, plain JSON, CSV, Praat TextGrid."""

import json

import pytest

from speechxai_core.align import Word, WordsError, read_words, write_words

WORDS = [Word("turn", 0.1, 0.35, 0.9), Word("on", 0.35, 0.5), Word("lights", 0.62, 1.1, 0.75)]


def test_whisperx_segments_are_read_and_untimed_words_skipped(tmp_path):
    path = tmp_path / "wx.json"
    path.write_text(json.dumps({"segments": [
        {"start": 0.1, "end": 0.5, "text": "turn on", "words": [
            {"word": "turn", "start": 0.1, "end": 0.35, "score": 0.9}, {"word": "on", "start": 0.35, "end": 0.5}]},
        {"start": 0.6, "end": 1.1, "text": "2 lights", "words": [
            {"word": "2"}, {"word": "lights", "start": 0.62, "end": 1.1, "score": 0.75}]},
    ]}))
    assert read_words(path) == WORDS


@pytest.mark.parametrize("suffix", [".json", ".csv", ".TextGrid"])
def test_every_written_format_reads_back(tmp_path, suffix):
    path = write_words(WORDS, tmp_path / f"w{suffix}", duration=1.5, settings={"name": "pocketsphinx"})
    back = read_words(path)
    assert [(w.word, w.start, w.end) for w in back] == [(w.word, w.start, w.end) for w in WORDS]
    if suffix == ".json":
        assert json.loads(path.read_text())["aligner"] == {"name": "pocketsphinx"}
        assert [w.score for w in back] == [0.9, None, 0.75]


def test_textgrid_words_tier_is_chosen_and_pauses_dropped(tmp_path):
    from praatio import textgrid

    grid = textgrid.Textgrid()
    grid.addTier(textgrid.IntervalTier("phones", [(0.1, 0.2, "T"), (0.2, 0.35, "ER")], 0, 2.0))
    grid.addTier(textgrid.IntervalTier("Words", [(0.1, 0.35, "turn"), (0.35, 0.6, "sil"), (0.6, 1.0, "on")], 0, 2.0))
    path = tmp_path / "g.TextGrid"
    grid.save(str(path), format="short_textgrid", includeBlankSpaces=True)
    assert [(w.word, w.start, w.end) for w in read_words(path)] == [("turn", 0.1, 0.35), ("on", 0.6, 1.0)]


def test_broken_files_and_unknown_formats_are_named_in_the_error(tmp_path):
    broken = tmp_path / "bad.TextGrid"
    broken.write_text("this is not praat")
    with pytest.raises(WordsError, match="bad.TextGrid: not a readable TextGrid"):
        read_words(broken)
    odd = tmp_path / "odd.json"
    odd.write_text('{"segments": 3, "x": 1}')
    with pytest.raises(WordsError, match="odd.json: expected a list"):
        read_words(odd)
    with pytest.raises(WordsError, match="choose .json, .csv or .TextGrid"):
        write_words(WORDS, tmp_path / "w.srt")
