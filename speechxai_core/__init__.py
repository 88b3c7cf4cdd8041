"""SpeechXAI: explain speech classifiers by word masking and paralinguistic perturbation."""

from .align.words import Word, WordsError
from .audio import Audio, AudioError, load_audio
from .explain import explain, iter_explain
from .explanation import Explanation
from .models import CallableClassifier, Classifier, ModelLoadError, TorchClassifier, load_model
from .perturb import MaskConfig, ParalinguisticGrid
from .explain.replay import variant_audio
from .scoring import ScoringEngine

__version__ = "0.1.0"

__all__ = [
    "Audio", "AudioError", "CallableClassifier", "Classifier", "Explanation", "MaskConfig", "ModelLoadError",
    "ParalinguisticGrid", "ScoringEngine", "TorchClassifier", "Word", "WordsError", "explain", "iter_explain", "load_audio",
    "load_model", "variant_audio",
]
