"""How far to trust an explanation, for people: sentences, a table and the curves of its checks.

Everything here reads :attr:`Explanation.checks` (see :mod:`speechxai_core.evaluation.checks`);
nothing is recomputed. Shared by the app, the HTML and text reports and the notebook view.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..explanation import Explanation
from .style import METHOD_LABELS, escape, number


def faithfulness_entry(explanation: Explanation, method: str, head: str) -> dict | None:
    return explanation.checks.get("faithfulness", {}).get(method, {}).get(head)


def random_curves(explanation: Explanation, head: str, curve: str) -> np.ndarray | None:
    """(seeds, n + 1) random-order values of ``curve`` (``deletion`` or ``insertion``) for ``head``."""
    band = explanation.checks.get("faithfulness_random", {}).get(head)
    rows = band.get(f"{curve}_curves") if band else None
    return np.asarray(rows, dtype=float) if rows else None


def _target(explanation: Explanation, head: str) -> str:
    return next(h.quantity for h in explanation.heads if h.name == head)


def _quoted(explanation: Explanation, indices) -> str:
    return ", ".join(f'"{explanation.words[i].word}"' for i in indices)


def faithfulness_sentence(explanation: Explanation, method: str, head: str) -> str:
    """E.g. "Removing the top 2 words drops p(lights) from 0.99 to 0.12; random words: 0.97." """
    entry = faithfulness_entry(explanation, method, head)
    if not entry or len(entry["deletion_curve"]) < 2:
        return ""
    n = len(entry["deletion_curve"]) - 1
    k = min(n, max(1, len(entry["minimal_words"])))
    deletion = entry["deletion_curve"]
    randoms = random_curves(explanation, head, "deletion")
    random_text = f"; random words: {number(randoms[:, k].mean(), 2)}" if randoms is not None else ""
    words = "word" if k == 1 else f"{k} words"
    change = "drops" if deletion[k] < deletion[0] else "raises" if deletion[k] > deletion[0] else "leaves"
    return (f"Removing the top {words} {change} {_target(explanation, head)} from {number(deletion[0], 2)} to "
            f"{number(deletion[k], 2)}{random_text}.")


def minimal_sentence(explanation: Explanation, method: str, head: str) -> str:
    """What the model needed: the minimal kept set in words."""
    entry = faithfulness_entry(explanation, method, head)
    if not entry:
        return ""
    kept, n = entry["minimal_words"], len(entry["insertion_curve"]) - 1
    value = entry["insertion_curve"][len(kept)]
    target = _target(explanation, head)
    if not kept:
        return f"With every word masked, {target} stays at {number(value, 2)}: the words are not what the model used."
    return (f"Keeping only {_quoted(explanation, kept)} ({len(kept)} of {n} words) keeps {target} at "
            f"{number(value, 2)} (≥ 90 % of {number(entry['deletion_curve'][0], 2)}).")


def verdict(entry: dict) -> str:
    """"better than random", "no better than random" or "worse than random" by both areas."""
    gain = (entry["random_deletion_auc"] - entry["deletion_auc"]) + (entry["insertion_auc"] - entry["random_insertion_auc"])
    if not np.isfinite(gain):
        return "n/a"
    return "better than random" if gain > 0.02 else "worse than random" if gain < -0.02 else "no better than random"


def stability_sentence(explanation: Explanation, method: str, head: str) -> str:
    entry = explanation.checks.get("stability", {}).get(method, {}).get(head)
    if not entry:
        return ""
    parts = []
    if "not_applicable" in entry:
        parts.append(f"seeds: not applicable ({entry['not_applicable']})")
    elif entry.get("spearman") is not None:
        parts.append(f"over {entry['runs']} seeds, rank correlation {number(entry['spearman'], 2)}, "
                     f"top word the same in {number(100 * entry['top1'], 0)} % of pairs")
    if entry.get("mask_spearman") is not None:
        parts.append(f"zero vs noise mask {number(entry['mask_spearman'], 2)}")
    for key, title in (("members", "ensemble members"), ("models", "other models")):
        if isinstance(entry.get(key), dict) and entry[key].get("spearman") is not None:
            parts.append(f"{title} {number(entry[key]['spearman'], 2)}")
    return "Stability: " + "; ".join(parts) + "." if parts else ""


def sanity_sentence(explanation: Explanation, method: str, head: str) -> str:
    entry = explanation.checks.get("sanity", {}).get(method, {}).get(head)
    if not entry:
        return ""
    if "not_applicable" in entry:
        return f"Sanity check: not applicable ({entry['not_applicable']})."
    values = ", ".join(f"{layer} {number(v, 2)}" for layer, v in zip(entry["layers"], entry["spearman"]))
    outcome = "passed: the scores change when the weights are randomised" if entry["passed"] else \
        "FAILED: the scores survive the weights' randomisation, so they do not explain this model"
    return f"Sanity check {outcome} (rank correlation after resetting {values})."


def trust_lines(explanation: Explanation, method: str, head: str) -> list[str]:
    """Every sentence the checks give for one method and head (empty when none was computed)."""
    lines = [faithfulness_sentence(explanation, method, head), minimal_sentence(explanation, method, head),
             stability_sentence(explanation, method, head), sanity_sentence(explanation, method, head)]
    return [line for line in lines if line]


def faithfulness_rows(explanation: Explanation) -> list[dict]:
    """One row per method and head: areas against random, comprehensiveness, sufficiency, verdict."""
    rows = []
    for method, table in explanation.checks.get("faithfulness", {}).items():
        for head, entry in table.items():
            rows.append({
                "method": METHOD_LABELS.get(method, method), "head": head,
                "deletion AUC ↓": number(entry["deletion_auc"]), "random": number(entry["random_deletion_auc"]),
                "insertion AUC ↑": number(entry["insertion_auc"]), "random ": number(entry["random_insertion_auc"]),
                "comprehensiveness ↑": number(entry["comprehensiveness"]), "sufficiency ↓": number(entry["sufficiency"]),
                "minimal words": _quoted(explanation, entry["minimal_words"]) or "none", "verdict": verdict(entry),
            })
    return rows


def trust_html(explanation: Explanation, method: str, play: bool = True) -> str:
    """The "How far to trust it" panel's text for ``method``: per head, the sentences of its checks, a
    verdict, and (``play``) a button that plays the minimal kept set (``data-variant``: the page plays it)."""
    label = METHOD_LABELS.get(method, method)
    checked = any(method in explanation.checks.get(c, {}) for c in ("faithfulness", "sanity", "stability"))
    if not checked:
        return (f'<div class="sx-trust"><p>No check of {escape(label)} in this result. Turn on the checks under '
                f'Options (faithfulness is on by default) and explain again.</p></div>')
    parts = ['<div class="sx-trust">']
    for head in explanation.head_names:
        entry = faithfulness_entry(explanation, method, head)
        title = f"{escape(head)} — {escape(verdict(entry))}" if entry else escape(head)
        parts.append(f'<div class="sx-trust-head"><h4>{title}</h4><ul>')
        parts += [f"<li>{escape(line)}</li>" for line in trust_lines(explanation, method, head)]
        parts.append("</ul>")
        if entry and play:
            parts.append(
                f'<button class="sx-play-minimal sx-pick" data-variant="{escape(entry["minimal_variant"])}" '
                f'title="Play the clip with only these words kept">▶ Play what the model needed '
                f'({len(entry["minimal_words"])} of {len(entry["insertion_curve"]) - 1} words)</button>')
        if entry:
            parts.append(
                f'<p class="sx-trust-numbers">deletion AUC {number(entry["deletion_auc"])} '
                f'(random {number(entry["random_deletion_auc"])}) · insertion AUC {number(entry["insertion_auc"])} '
                f'(random {number(entry["random_insertion_auc"])}) · comprehensiveness '
                f'{number(entry["comprehensiveness"])} · sufficiency {number(entry["sufficiency"])}</p>')
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def trust_figure(explanation: Explanation, method: str) -> go.Figure:
    """:func:`curves_figure` of the first head, with a menu for the others."""
    heads = [h for h in explanation.head_names if faithfulness_entry(explanation, method, h)]
    figure = curves_figure(explanation, method, heads[0] if heads else "")
    if len(heads) > 1:
        figures = {head: curves_figure(explanation, method, head) for head in heads}
        buttons = [dict(label=head, method="update",
                        args=[{"x": [t.x for t in f.data], "y": [t.y for t in f.data], "name": [t.name for t in f.data]},
                              {"yaxis.title.text": f.layout.yaxis.title.text}])
                   for head, f in figures.items()]
        figure.update_layout(updatemenus=[dict(buttons=buttons, direction="down", x=1.0, xanchor="right", y=1.12,
                                               yanchor="bottom", showactive=True)],
                             margin=dict(t=40))
    return figure


def curves_figure(explanation: Explanation, method: str, head: str) -> go.Figure:
    """Deletion and insertion curves of ``method`` for ``head`` over the random orders' band
    (shaded: lowest to highest seed; dotted: their mean)."""
    figure = go.Figure()
    entry = faithfulness_entry(explanation, method, head) if head else None
    if not entry:
        figure.add_annotation(text="No faithfulness check for this method (turn it on and explain again)",
                              showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        figure.update_layout(height=140, xaxis=dict(visible=False), yaxis=dict(visible=False),
                             plot_bgcolor="#ffffff", paper_bgcolor="#ffffff", margin=dict(l=10, r=10, t=10, b=10))
        return figure
    n = len(entry["deletion_curve"]) - 1
    x = np.arange(n + 1) / n if n else np.zeros(1)
    colours = {"deletion": "#b2182b", "insertion": "#2166ac"}
    for curve in ("deletion", "insertion"):
        randoms = random_curves(explanation, head, curve)
        colour = colours[curve]
        if randoms is not None:
            figure.add_trace(go.Scatter(x=np.concatenate([x, x[::-1]]),
                                        y=np.concatenate([randoms.max(axis=0), randoms.min(axis=0)[::-1]]),
                                        fill="toself", fillcolor=_faint(colour), line=dict(width=0),
                                        hoverinfo="skip", name=f"random orders ({curve})", showlegend=False))
            figure.add_trace(go.Scatter(x=x, y=randoms.mean(axis=0), mode="lines", line=dict(color=colour, dash="dot"),
                                        name=f"random {curve} (AUC {number(entry[f'random_{curve}_auc'], 2)})"))
        figure.add_trace(go.Scatter(x=x, y=entry[f"{curve}_curve"], mode="lines+markers", line=dict(color=colour),
                                    name=f"{curve} (AUC {number(entry[f'{curve}_auc'], 2)})",
                                    hovertemplate="%{x:.0%} of words: %{y:.3f}<extra></extra>"))
    figure.update_layout(
        height=330, margin=dict(l=50, r=10, t=10, b=40), plot_bgcolor="#ffffff", paper_bgcolor="#ffffff",
        xaxis=dict(title="words removed (deletion) / kept (insertion)", tickformat=".0%",
                   range=[0, 1], gridcolor="#e5e7eb"),
        yaxis=dict(title=_target(explanation, head), gridcolor="#e5e7eb", rangemode="tozero"),
        legend=dict(orientation="h", y=-0.3, x=0, font=dict(size=11)),
    )
    return figure


def _faint(colour: str) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},0.15)"
