"""Is a clip within what a model was built for? Signals from an ensemble's members.

For an ensemble of M members, each giving per head h a distribution p_{m,h} over its classes,
with the ensemble's p̄_h = (1/M) Σ_m p_{m,h}:

- disagreement (mutual information between member and prediction, Lakshminarayanan et al. 2017;
  Depeweg et al. 2018): I_h = H(p̄_h) − (1/M) Σ_m H(p_{m,h});
- doubt (one minus the top probability): 1 − max_c p̄_h(c).

The scope score is ``max_h`` of the doubt: on synthetic speech (``scripts/calibrate_checks.py``;
commands of the model's grammar vs sentences outside it), doubt separated the two better than
disagreement, and its threshold maximises Youden's J there; the human recordings were not used.

References:
    Lakshminarayanan, Pritzel, Blundell (2017). Simple and scalable predictive uncertainty
    estimation using deep ensembles. NeurIPS.
    Depeweg, Hernández-Lobato, Doshi-Velez, Udluft (2018). Decomposition of uncertainty in
    Bayesian deep learning for efficient and risk-sensitive learning. ICML.
"""

from __future__ import annotations

import numpy as np


#: Scope score above which a clip is out of scope (chosen in ``scripts/calibrate_checks.py``).
SCOPE_THRESHOLD = 0.295
SCOPE_SIGNAL = "doubt: one minus the ensemble's top probability, largest over heads"


def entropy(p: np.ndarray) -> np.ndarray:
    """Shannon entropy (nats) over the last axis."""
    return -(p * np.log(np.clip(p, 1e-12, 1.0))).sum(-1)


def disagreement(members: np.ndarray) -> np.ndarray:
    """Mutual information of members (M, batch, classes) -> (batch,)."""
    return entropy(members.mean(0)) - entropy(members).mean(0)


def doubt(members: np.ndarray) -> np.ndarray:
    """One minus the ensemble's top probability (batch,)."""
    return 1.0 - members.mean(0).max(-1)


def scope_measures(per_head: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every candidate measure, the max over heads: {"disagreement": (batch,), "doubt": (batch,)}."""
    return {name: np.max([measure(m) for m in per_head.values()], axis=0)
            for name, measure in (("disagreement", disagreement), ("doubt", doubt))}


def ensemble_scope(per_head: dict[str, np.ndarray]) -> np.ndarray:
    """The scope score of clips from their members' probabilities {head: (members, batch, classes)}."""
    return scope_measures(per_head)["doubt"]
