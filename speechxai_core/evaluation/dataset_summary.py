"""Dataset-level views of explain-dataset records.

- **Words per class** (per head): words lower-cased and stripped of punctuation; for each
  explained class ``c`` (the predicted class unless a target was given) and word ``w``,
  ``mean_score = mean of r(w) over the occurrences of w in items explained as c`` and
  ``count`` = those occurrences; the ``top_k`` words per class by mean score are kept.
- **Paralinguistic** (Table 3 style): per head and property, mean (and std) over items of
  ``r(property)``.
- **Word-local prosody** (method ``word_paraling``): per head, explained class, word text and
  word-local property, ``mean_drop`` = mean of the drop when only that word is changed over the
  word's occurrences, and ``count``; the ``top_k`` (word, property) pairs per class by mean drop are
  kept ("the pitch of 'now' matters for urgent": ``pitch_down`` of ``now`` high for ``urgent``).
- **Faithfulness** (Table 4 style): per head, mean over items of comprehensiveness and
  sufficiency (items without a positively scored word left out); the random baseline is
  averaged over items seed by seed, then reported as mean ± std over the seeds.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


WORD_PARALING_COLUMNS = ["head", "class", "word", "property", "mean_drop", "count", "rank"]


@dataclass
class DatasetSummary:
    """Tables (pandas DataFrames) summarising one results folder."""

    overview: pd.DataFrame        # head, items, labelled, accuracy (labels named after the head, or "label")
    words: pd.DataFrame           # head, class, word, mean_score, count, rank
    paralinguistic: pd.DataFrame  # head, property, mean, std, items
    faithfulness: pd.DataFrame    # head, items, comprehensiveness(+_std), sufficiency(+_std), random_*(+_std)
    errors: pd.DataFrame          # id, audio, error_type, error
    items: int
    failed: int
    word_paraling: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=WORD_PARALING_COLUMNS))


def normalize_word(text: str) -> str:
    """Lower-case and drop every Unicode punctuation character."""
    return "".join(ch for ch in text.lower() if not unicodedata.category(ch).startswith("P")).strip()


def summarize_records(records: list[dict], top_k: int = 10) -> DatasetSummary:
    ok = [r for r in records if r.get("status") == "ok"]
    failed = [r for r in records if r.get("status") != "ok"]
    return DatasetSummary(
        overview=_overview(ok), words=word_summary(ok, top_k), paralinguistic=paralinguistic_summary(ok),
        faithfulness=faithfulness_summary(ok),
        errors=pd.DataFrame([{k: r.get(k) for k in ("id", "audio", "error_type", "error")} for r in failed],
                            columns=["id", "audio", "error_type", "error"]),
        items=len(records), failed=len(failed), word_paraling=word_paraling_summary(ok, top_k),
    )


def word_summary(records: list[dict], top_k: int = 10) -> pd.DataFrame:
    rows = []
    for record in records:
        explanation = record["explanation"]
        words = [normalize_word(w["word"]) for w in explanation["words"]]
        for head in explanation["heads"]:
            scores = explanation.get("word_scores", {}).get(head["name"], [])
            rows += [{"head": head["name"], "class": head["target"], "word": word, "score": score}
                     for word, score in zip(words, scores) if word and score is not None]  # None: not heard
    columns = ["head", "class", "word", "mean_score", "count", "rank"]
    if not rows:
        return pd.DataFrame(columns=columns)
    table = (pd.DataFrame(rows).groupby(["head", "class", "word"], sort=False)["score"]
             .agg(mean_score="mean", count="size").reset_index())
    table = table.sort_values(["head", "class", "mean_score", "word"], ascending=[True, True, False, True])
    table["rank"] = table.groupby(["head", "class"]).cumcount() + 1
    return table[table["rank"] <= top_k].reset_index(drop=True)[columns]


def word_paraling_summary(records: list[dict], top_k: int = 10) -> pd.DataFrame:
    """Per head, class, word text and word-local property: mean drop and count; top ``top_k`` per class."""
    rows = []
    for record in records:
        explanation = record["explanation"]
        words = [normalize_word(w["word"]) for w in explanation["words"]]
        for head in explanation["heads"]:
            for prop, drops in explanation.get("word_paralinguistic", {}).get(head["name"], {}).items():
                rows += [{"head": head["name"], "class": head["target"], "word": word, "property": prop,
                          "drop": drop} for word, drop in zip(words, drops) if word and drop is not None]
    if not rows:
        return pd.DataFrame(columns=WORD_PARALING_COLUMNS)
    table = (pd.DataFrame(rows).groupby(["head", "class", "word", "property"], sort=False)["drop"]
             .agg(mean_drop="mean", count="size").reset_index())
    table = table.sort_values(["head", "class", "mean_drop", "word", "property"],
                              ascending=[True, True, False, True, True])
    table["rank"] = table.groupby(["head", "class"]).cumcount() + 1
    return table[table["rank"] <= top_k].reset_index(drop=True)[WORD_PARALING_COLUMNS]


def word_paraling_sentences(summary: DatasetSummary) -> list[str]:
    """One line per head and class naming the word and property with the largest mean drop."""
    from ..viz.style import WORD_PROPERTY_TITLES

    lines = []
    for (head, label), rows in summary.word_paraling.groupby(["head", "class"], sort=False):
        top = rows.iloc[0]
        lines.append(f'{head}={label}: {WORD_PROPERTY_TITLES.get(top["property"], top["property"])} of '
                     f'"{top["word"]}" matters most (mean drop {top["mean_drop"]:+.3f} over {top["count"]} '
                     f'occurrence{"s" if top["count"] != 1 else ""})')
    return lines


def paralinguistic_summary(records: list[dict]) -> pd.DataFrame:
    rows = [{"head": head, "property": prop, "score": score}
            for record in records
            for head, values in record["explanation"].get("paralinguistic", {}).items()
            for prop, score in values.items()]
    if not rows:
        return pd.DataFrame(columns=["head", "property", "mean", "std", "items"])
    table = pd.DataFrame(rows).groupby(["head", "property"], sort=False)["score"]
    return table.agg(mean="mean", std=lambda s: float(np.std(s)), items="size").reset_index()


def faithfulness_summary(records: list[dict]) -> pd.DataFrame:
    per_head: dict[str, dict[str, list]] = {}
    for record in records:
        for head, values in (record.get("faithfulness") or {}).items():
            if values.get("comprehensiveness") is None:
                continue
            bucket = per_head.setdefault(head, {"comp": [], "suff": [], "rcomp": [], "rsuff": []})
            bucket["comp"].append(values["comprehensiveness"])
            bucket["suff"].append(values["sufficiency"])
            bucket["rcomp"].append(_seed_values(values, "comprehensiveness"))
            bucket["rsuff"].append(_seed_values(values, "sufficiency"))
    rows = []
    for head, bucket in per_head.items():
        rcomp, rsuff = _over_seeds(bucket["rcomp"]), _over_seeds(bucket["rsuff"])
        rows.append({
            "head": head, "items": len(bucket["comp"]),
            "comprehensiveness": float(np.mean(bucket["comp"])), "comprehensiveness_std": float(np.std(bucket["comp"])),
            "random_comprehensiveness": rcomp[0], "random_comprehensiveness_std": rcomp[1],
            "sufficiency": float(np.mean(bucket["suff"])), "sufficiency_std": float(np.std(bucket["suff"])),
            "random_sufficiency": rsuff[0], "random_sufficiency_std": rsuff[1],
        })
    columns = ["head", "items", "comprehensiveness", "comprehensiveness_std", "random_comprehensiveness",
               "random_comprehensiveness_std", "sufficiency", "sufficiency_std", "random_sufficiency",
               "random_sufficiency_std"]
    return pd.DataFrame(rows, columns=columns)


def _seed_values(values: dict, metric: str) -> list[float]:
    seeds = values.get(f"random_{metric}_seeds") or [values.get(f"random_{metric}")]
    return [np.nan if v is None else float(v) for v in seeds]


def _over_seeds(per_item: list[list[float]]) -> tuple[float, float]:
    """Mean over items for each seed, then (mean, std) over seeds."""
    width = max(len(v) for v in per_item)
    matrix = np.array([v + [np.nan] * (width - len(v)) for v in per_item], dtype=float)
    if np.all(np.isnan(matrix)):
        return float("nan"), float("nan")
    per_seed = np.nanmean(matrix, axis=0)
    per_seed = per_seed[~np.isnan(per_seed)]
    return float(per_seed.mean()), float(per_seed.std())


def _overview(records: list[dict]) -> pd.DataFrame:
    rows = []
    heads = dict.fromkeys(h["name"] for r in records for h in r["explanation"]["heads"])
    for head in heads:
        pairs = [(h["predicted"], _label(r.get("labels") or {}, head, single=len(heads) == 1)) for r in records
                 for h in r["explanation"]["heads"] if h["name"] == head]
        labelled = [(p, str(label)) for p, label in pairs if label is not None]
        accuracy = float(np.mean([p.lower() == label.lower() for p, label in labelled])) if labelled else None
        rows.append({"head": head, "items": len(pairs), "labelled": len(labelled), "accuracy": accuracy})
    return pd.DataFrame(rows, columns=["head", "items", "labelled", "accuracy"])


def _label(labels: dict, head: str, single: bool):
    """The true class of ``head``: a label column named after the head (or ``label`` for one head)."""
    return labels.get(head, labels.get("label") if single else None)
