"""LIME and Shapley values of words against independent computations."""

import itertools
import math

import numpy as np
import pytest

from speechxai_core import CallableClassifier, Explanation, explain, load_model, variant_audio
from speechxai_core.explain import METHODS, MethodError
from speechxai_core.explain.base import SHAPLEY_APPROXIMATORS
from speechxai_core.explain.coalition_game import draw, estimate
from speechxai_core.explain.lime import weighted_ridge

from .conftest import SR, harmonic_tone

WORDS = [{"word": w, "start": 0.1 + 0.3 * i, "end": 0.3 + 0.3 * i} for i, w in enumerate(("turn", "the", "light", "off", "now"))]
CONTRACT = ("loo", "lime", "shapley", "gradient", "gradient_x_input", "integrated_gradients", "paraling")


def present(waveforms, sr, words=WORDS):
    """(batch, words) 1 where the word's span still has energy (not masked)."""
    return np.stack([np.abs(waveforms[:, int(w["start"] * sr) + 10:int(w["end"] * sr) - 10]).mean(axis=1) > 1e-4
                     for w in words], axis=1).astype(np.float64)


def additive_model(coefficients, base=0.2):
    def fn(waveforms, sr):
        p = base + present(waveforms, sr) @ np.asarray(coefficients)
        return np.stack([p, 1 - p], axis=1)

    return CallableClassifier(fn, ["yes", "no"], SR, name="additive")


def together_model():
    """'turn' and 'off' only count together; 'light' counts alone; a saturating link."""

    def fn(waveforms, sr):
        z = present(waveforms, sr)
        logit = -2 + 3 * z[:, 0] * z[:, 3] + 1.5 * z[:, 2] - 0.5 * z[:, 1] * z[:, 2] * z[:, 4]
        p = 1 / (1 + np.exp(-logit))
        return np.stack([p, 1 - p], axis=1)

    return CallableClassifier(fn, ["on", "off"], SR, name="together")


def clip():
    return harmonic_tone(seconds=1.8)


def test_the_registry_holds_the_contract_names():
    assert set(CONTRACT) <= set(METHODS)
    with pytest.raises(MethodError, match="unknown method.*choose from"):
        explain((clip(), SR), additive_model([0.1] * 5), words=WORDS, methods="loo,limes")


# --- LIME ----------------------------------------------------------------------------------------
def test_lime_recovers_the_coefficients_of_an_additive_model():
    coefficients = [0.3, 0.0, 0.25, -0.1, 0.05]
    result = explain((clip(), SR), additive_model(coefficients), words=WORDS, methods="lime", targets="yes",
                     method_options={"lime_alpha": 0.0, "lime_samples": 300})
    assert result.method_scores["lime"]["class"] == pytest.approx(coefficients, abs=1e-9)
    details = result.method_details["lime"]
    assert details["r2"]["class"] == pytest.approx(1.0, abs=1e-9) and details["samples"] == 300
    assert max(details["stderr"]["class"]) < 1e-6
    assert details["intercept"]["class"] == pytest.approx(0.2, abs=1e-9)


def cosine_kernel_by_hand(z):
    """LIME's text kernel written out: d = 100 × (1 − cos(z, 1)), √exp(−d²/25²)."""
    ones = np.ones(z.shape[1])
    cosine = np.array([row @ ones / (np.linalg.norm(row) * np.linalg.norm(ones)) if row.any() else 0.0 for row in z])
    return np.sqrt(np.exp(-(100 * (1 - cosine)) ** 2 / 25 ** 2))


def test_lime_default_ridge_matches_a_closed_form_fit_and_is_seeded():
    model = together_model()
    result = explain((clip(), SR), model, words=WORDS, methods="lime", seed=4)
    details = result.method_details["lime"]
    assert details["samples"] == 1000 and details["kernel"] == "cosine" and details["kernel_width"] == 25
    again = explain((clip(), SR), model, words=WORDS, methods="lime", seed=4)
    assert again.method_scores == result.method_scores
    other = explain((clip(), SR), model, words=WORDS, methods="lime", seed=5)
    assert other.method_scores != result.method_scores
    # independent fit: weighted least squares with the ridge penalty via an augmented system
    records = [r for r in result.variants if r.kind in ("words", "original")]
    z = np.array([[0.0 if r.id != "original" and str(i) in r.id[6:].split("+") else 1.0 for i in range(5)]
                  for r in records])
    y = np.array([r.probabilities["class"] for r in records])
    # the sampled subsets are not all distinct: the scored variants are the distinct ones
    from speechxai_core.explain.lime import lime_samples
    sampled = lime_samples(5, 1000, 4).astype(float)
    y_of = {tuple(row): yy for row, yy in zip(z, y)}
    ys = np.array([y_of[tuple(row)] for row in sampled])
    w = cosine_kernel_by_hand(sampled)
    design = np.hstack([np.ones((len(sampled), 1)), sampled]) * np.sqrt(w)[:, None]
    penalty = np.sqrt(w.mean())  # α = 1 per unit of mean kernel weight, on the slopes only
    augmented = np.vstack([design, np.hstack([np.zeros((5, 1)), penalty * np.eye(5)])])
    solution = np.linalg.lstsq(augmented, np.concatenate([ys * np.sqrt(w), np.zeros(5)]), rcond=None)[0]
    assert result.method_scores["lime"]["class"] == pytest.approx(solution[1:], abs=1e-8)
    assert weighted_ridge(sampled, ys, w, w.mean())["coefficients"] == pytest.approx(solution[1:], abs=1e-8)
    assert 0 < details["r2"]["class"] < 1


def carrier_model(words, carrier: int):
    """Known truth: only word ``carrier`` matters (p = 0.99 with it, 0.01 without); the rest are neutral."""

    def fn(waveforms, sr):
        p = 0.01 + 0.98 * present(waveforms, sr, words)[:, carrier]
        return np.stack([p, 1 - p], axis=1)

    return CallableClassifier(fn, ["yes", "no"], SR, name="carrier")


@pytest.mark.parametrize("n_words", [4, 6])
def test_lime_leaves_neutral_words_at_zero(n_words):
    words = WORDS[:n_words]
    model = carrier_model(words, carrier=1)
    result = explain((clip(), SR), model, words=words, methods="lime", targets="yes")
    scores = result.method_scores["lime"]["class"]
    neutral = [s for i, s in enumerate(scores) if i != 1]
    assert max(abs(s) for s in neutral) < 0.02, scores  # the ridge penalty no longer pulls them down
    assert scores[1] > 0.9
    fraction = explain((clip(), SR), model, words=words, methods="lime", targets="yes",
                       method_options={"lime_kernel": "fraction"})
    assert fraction.method_details["lime"]["kernel"] == "fraction"
    assert fraction.method_details["lime"]["kernel_width"] == 0.25
    assert max(abs(s) for i, s in enumerate(fraction.method_scores["lime"]["class"]) if i != 1) < 0.02


def test_lime_kernel_names_are_checked():
    with pytest.raises(MethodError, match="unknown lime_kernel 'gauss' \\(choose from cosine, fraction\\)"):
        explain((clip(), SR), additive_model([0.1] * 5), words=WORDS, methods="lime",
                method_options={"lime_kernel": "gauss"})


# --- Shapley -------------------------------------------------------------------------------------
def brute_force_values(fn, samples, words, n):
    """v(S) for every kept set S, masking with zeros by hand and calling the model directly."""
    values = {}
    for size in range(n + 1):
        for kept in itertools.combinations(range(n), size):
            masked = samples.copy()
            for i in set(range(n)) - set(kept):
                masked[int(round(words[i]["start"] * SR)):int(round(words[i]["end"] * SR))] = 0
            values[frozenset(kept)] = fn(masked)
    return values


def permutation_shapley(values, n):
    """Shapley values as the mean marginal contribution over all n! orders."""
    phi = np.zeros(n)
    for order in itertools.permutations(range(n)):
        before = frozenset()
        for i in order:
            phi[i] += values[before | {i}] - values[before]
            before = before | {i}
    return phi / math.factorial(n)


def interaction_by_definition(values, n, i, j):
    total = 0.0
    others = [m for m in range(n) if m not in (i, j)]
    for size in range(n - 1):
        for s in itertools.combinations(others, size):
            s = frozenset(s)
            weight = math.factorial(len(s)) * math.factorial(n - len(s) - 2) / math.factorial(n - 1)
            total += weight * (values[s | {i, j}] - values[s | {i}] - values[s | {j}] + values[s])
    return total


def test_exact_shapley_matches_brute_force_on_a_tiny_model(tiny_multihead_dir, three_words):
    model = load_model(tiny_multihead_dir, heads="a:2,b:3,c:4")
    samples = harmonic_tone(seconds=2.0)
    result = explain((samples, SR), model, words=three_words, methods="shapley")
    for head in result.heads:
        k = head.target_index
        values = brute_force_values(lambda x: model.predict(x[None], np.array([len(x)]))[head.name][0, k],
                                    samples, three_words, 3)
        phi = permutation_shapley(values, 3)
        assert result.method_scores["shapley"][head.name] == pytest.approx(phi, abs=1e-5)
        assert sum(result.method_scores["shapley"][head.name]) == pytest.approx(
            values[frozenset({0, 1, 2})] - values[frozenset()], abs=1e-4)
        block = result.word_interactions[head.name]
        assert block["matrix"][0][2] == pytest.approx(interaction_by_definition(values, 3, 0, 2), abs=1e-5)
    assert result.method_details["shapley"]["exact"] and result.method_details["shapley"]["coalitions"] == 8


def test_shapley_finds_words_that_matter_only_together():
    model = together_model()
    samples = clip()
    result = explain((samples, SR), model, words=WORDS, methods="shapley", method_options={"interaction_top": 5})
    values = brute_force_values(lambda x: model.predict(x[None], np.array([len(x)]))["class"][0, 0], samples, WORDS, 5)
    phi = result.method_scores["shapley"]["class"]
    assert phi == pytest.approx(permutation_shapley(values, 5), abs=1e-9)
    assert abs(sum(phi) - (values[frozenset(range(5))] - values[frozenset()])) < 1e-4
    assert abs(result.method_details["shapley"]["efficiency_gap"]["class"]) < 1e-9
    block = result.word_interactions["class"]
    assert block["words"] == ["turn", "the", "light", "off", "now"]
    matrix = np.array(block["matrix"])
    assert matrix[0, 3] == pytest.approx(interaction_by_definition(values, 5, 0, 3), abs=1e-9)
    assert matrix[0, 3] == matrix.max() > 0.1  # "turn" + "off" interact most, positively
    assert abs(matrix[0, 2]) < matrix[0, 3] / 5  # "light" acts mostly alone (the link is not linear)
    # every coalition can be played back exactly as scored
    masked = variant_audio(result, (samples, SR), "words:1+2+4")
    assert model.predict(masked[None], np.array([len(masked)]))["class"][0, 0] == pytest.approx(
        values[frozenset({0, 3})], abs=1e-9)
    assert "word_interactions" in Explanation.from_json(result.to_json()).to_dict()


TWELVE = [{"word": f"w{i}", "start": 0.05 + 0.12 * i, "end": 0.15 + 0.12 * i} for i in range(12)]
ALONE = np.array([0.8, -0.3, 0.5, 0.1, 0.0, 0.6, -0.2, 0.3, 0.05, 0.4, -0.1, 0.2])


def twelve_logit(z):
    """Twelve words: main effects, a strong positive pair (0, 3), a negative pair (5, 7), a triple."""
    return -1.5 + z @ ALONE + 2.5 * z[:, 0] * z[:, 3] - 1.5 * z[:, 5] * z[:, 7] + z[:, 2] * z[:, 9] * z[:, 11]


def twelve_model():
    def fn(waveforms, sr):
        p = 1 / (1 + np.exp(-twelve_logit(present(waveforms, sr, TWELVE))))
        return np.stack([p, 1 - p], axis=1)

    return CallableClassifier(fn, ["on", "off"], SR, name="twelve")


def twelve_exact():
    """Exact Shapley values and SII of the twelve-word game, from the coalitions' values directly
    (the model is a function of which words are present)."""
    n = 12
    z = (np.arange(2 ** n)[:, None] >> np.arange(n)) & 1
    v = 1 / (1 + np.exp(-twelve_logit(z.astype(float))))
    sizes = z.sum(axis=1)
    phi = np.zeros(n)
    for i in range(n):
        rows = np.flatnonzero(z[:, i] == 0)
        weights = np.array([math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in sizes[rows]])
        phi[i] = weights @ (v[rows + (1 << i)] - v[rows])

    def sii(i, j):
        rows = np.flatnonzero((z[:, i] == 0) & (z[:, j] == 0))
        weights = np.array([math.factorial(s) * math.factorial(n - s - 2) / math.factorial(n - 1) for s in sizes[rows]])
        return weights @ (v[rows + (1 << i) + (1 << j)] - v[rows + (1 << i)] - v[rows + (1 << j)] + v[rows])

    return v, phi, sii


def twelve_clip():
    return harmonic_tone(seconds=1.5)


def test_estimated_shapley_keeps_the_budget_is_efficient_close_to_exact_and_seeded():
    model, samples = twelve_model(), twelve_clip()
    result = explain((samples, SR), model, words=TWELVE, methods="shapley", targets="on", seed=3)
    details = result.method_details["shapley"]
    assert not details["exact"] and details["budget"] == 300 and details["approximator"] == "KernelSHAPIQ"
    assert details["index"] == "SII" and details["max_order"] == 2
    scored = [r for r in result.variants if r.kind in ("words", "original")]
    assert len(scored) == details["coalitions"] <= 300  # every coalition counted, none beyond the budget
    v, exact, sii = twelve_exact()
    phi, stderr = np.array(result.method_scores["shapley"]["class"]), np.array(details["stderr"]["class"])
    assert abs(phi.sum() - (v[-1] - v[0])) < 1e-6 and abs(details["efficiency_gap"]["class"]) < 1e-6
    assert details["baseline"]["class"] == pytest.approx(v[0], abs=1e-9)
    assert np.abs(phi - exact).max() < 0.03
    assert np.all(stderr > 0) and np.mean(np.abs(phi - exact) < 3 * stderr) >= 0.75  # the errors are of that size
    block = result.word_interactions["class"]
    matrix = np.array(block["matrix"])
    a, b = block["indices"].index(0), block["indices"].index(3)
    assert matrix[a, b] == matrix.max() == pytest.approx(sii(0, 3), abs=0.06)  # the strong pair, found and sized
    assert not block["exact"] and block["stderr"][a][b] > 0
    again = explain((samples, SR), model, words=TWELVE, methods="shapley", targets="on", seed=3)
    assert again.method_scores == result.method_scores and again.word_interactions == result.word_interactions
    other = explain((samples, SR), model, words=TWELVE, methods="shapley", targets="on", seed=4)
    assert other.method_scores != result.method_scores
    assert "shapley_uncertain" not in result.warning_codes()


def test_a_budget_that_holds_every_coalition_is_exact_and_a_tight_one_asks_for_more():
    model, samples = together_model(), clip()
    exact = explain((samples, SR), model, words=WORDS, methods="shapley", method_options={"shapley_budget": 32})
    estimated = explain((samples, SR), model, words=WORDS, methods="shapley", method_options={"shapley_budget": 31})
    assert exact.method_details["shapley"]["exact"] and exact.method_details["shapley"]["coalitions"] == 32
    assert not estimated.method_details["shapley"]["exact"]
    assert estimated.method_details["shapley"]["coalitions"] <= 31
    tight = explain((twelve_clip(), SR), twelve_model(), words=TWELVE, methods="shapley", targets="on",
                    method_options={"shapley_budget": 40})
    assert "shapley_uncertain" in tight.warning_codes()
    assert any("increase the budget" in w.message for w in tight.warnings)


def test_bad_shapley_settings_get_clear_errors():
    model, samples = twelve_model(), twelve_clip()
    with pytest.raises(MethodError, match="shapley_budget 20 is too small for 12 words: at least 28"):
        explain((samples, SR), model, words=TWELVE, methods="shapley", method_options={"shapley_budget": 20})
    with pytest.raises(MethodError, match="unknown shapley_approximator 'KernelSHAP': choose from KernelSHAPIQ"):
        explain((samples, SR), model, words=TWELVE, methods="shapley",
                method_options={"shapley_approximator": "KernelSHAP"})
    with pytest.raises(MethodError, match="unknown method option.*shapley_permutations: valid are .*shapley_budget"):
        explain((samples, SR), model, words=TWELVE, methods="shapley", method_options={"shapley_permutations": 64})


@pytest.mark.parametrize("name", SHAPLEY_APPROXIMATORS)
def test_every_approximator_stays_within_its_budget_and_replays_its_draw(name):
    """shapiq's own contract test, on our game: the distinct coalitions evaluated never exceed
    the budget, and the estimate asks for nothing that was not drawn."""
    n, budget = 9, 120
    weights = np.linspace(-0.4, 0.6, n)

    def value_of(ids):
        kept = np.array([[(m >> i) & 1 for i in range(n)] for m in ids], dtype=float)
        return 1 / (1 + np.exp(-(kept @ weights + kept[:, 0] * kept[:, 1])))

    class Coalition:
        def __init__(self, kept):
            self.id = int(sum(1 << int(i) for i in kept))

    plan = draw(n, budget, name, 0, Coalition)
    assert len(plan.variants) <= budget and plan.levels[0] <= budget
    result = estimate(plan, n, Coalition, value_of)
    assert result["evaluated"] <= budget and result["phi"].shape == (n,) and result["sii"].shape == (n, n)
    short = type(plan)(plan.approximator, plan.levels, plan.seed, plan.variants[:-5])
    with pytest.raises(RuntimeError, match="had not drawn"):
        estimate(short, n, Coalition, value_of)


def test_a_method_over_the_time_limit_is_skipped_and_announced():
    messages = []
    result = explain((clip(), SR), together_model(), words=WORDS, methods="loo,shapley,lime",
                     method_options={"lime_samples": 400}, notify=messages.append, method_time_limit_s=1e-9)
    assert result.settings["skipped_methods"].keys() == {"loo", "shapley", "lime"}
    assert any(m.startswith("lime skipped: 400 variants, about ") and m.endswith("of work, over the 1e-09 s limit")
               for m in messages)
    kept = explain((clip(), SR), together_model(), words=WORDS, methods="loo,shapley,lime",
                   method_options={"lime_samples": 400}, notify=messages.append, method_time_limit_s=1e6)
    assert list(kept.method_scores) == ["shapley", "lime"] and "skipped_methods" not in kept.settings
