"""CSV downloads write times as people read them: 0.82, not 0.8200000000000001."""

from speechxai_core.explain import explain

from .conftest import SR, harmonic_tone
from .test_cost import slowing_model


def test_csv_times_are_rounded_scores_are_not():
    words = [{"word": "a", "start": 0.1 + 0.72, "end": 0.3 * 3}, {"word": "b", "start": 1.0, "end": 1.2}]
    words[0]["start"] = 0.62 + 0.2  # 0.8200000000000001, as sums of times come out
    assert words[0]["start"] == 0.8200000000000001 and words[0]["end"] == 0.8999999999999999
    result = explain((harmonic_tone(seconds=1.5), SR), slowing_model([0.0]), words=words, methods="loo")
    rows = [line.split(",") for line in result.word_csv().splitlines()]
    assert rows[1][:3] == ["a", "0.82", "0.9"] and rows[2][:3] == ["b", "1.0", "1.2"]
    assert float(rows[1][3]) == result.word_scores["class"][0]  # scores keep every digit
