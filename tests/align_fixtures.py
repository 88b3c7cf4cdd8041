"""Speech with known word times (eSpeak NG) and a tiny random CTC model, for the alignment tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soxr

from speechxai_core.align.espeak import synthesize
from speechxai_core.audio import Audio

SR = 16000
CTC_VOCAB = ["<pad>", "<unk>", "|", *"abcdefghijklmnopqrstuvwxyz'"]


def spoken(text: str, voice: str = "en-us", rate: int = 175) -> tuple[Audio, list]:
    """``text`` spoken by eSpeak NG at 16 kHz, with 0.3 s of silence before, and its true word spans."""
    synthesis = synthesize(text, voice, rate)
    samples = soxr.resample(synthesis.samples, synthesis.sr, SR).astype(np.float32)
    lead = 0.3
    samples = np.concatenate([np.zeros(int(lead * SR), np.float32), samples])
    truth = [(w.word, w.start + lead, w.end + lead) for w in synthesis.words]
    return Audio(samples, SR, "spoken.wav"), truth


def boundary_errors(found, truth) -> np.ndarray:
    """|start - start'| and |end - end'| per eSpeak word unit (a unit may hold two words), in seconds."""
    from speechxai_core.align.text import transcript_tokens

    errors, i = [], 0
    for label, start, end in truth:
        count = len(transcript_tokens(label))
        group = found[i:i + count]
        errors += [abs(group[0].start - start), abs(group[-1].end - end)]
        i += count
    assert i == len(found), "the aligner returned a different number of words"
    return np.array(errors)


def save_tiny_ctc(folder, seed: int = 0, upper: bool = False) -> str:
    """A 2-layer Wav2Vec2ForCTC with random weights and a character vocabulary (lower or upper case)."""
    import torch
    from transformers import (
        Wav2Vec2Config,
        Wav2Vec2CTCTokenizer,
        Wav2Vec2FeatureExtractor,
        Wav2Vec2ForCTC,
        Wav2Vec2Processor,
    )

    torch.manual_seed(seed)
    vocab_file = folder / "vocab.json"
    vocab = [c.upper() if upper and len(c) == 1 else c for c in CTC_VOCAB]
    vocab_file.write_text(json.dumps({c: i for i, c in enumerate(vocab)}))
    tokenizer = Wav2Vec2CTCTokenizer(str(vocab_file), unk_token="<unk>", pad_token="<pad>", word_delimiter_token="|")
    extractor = Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=SR, padding_value=0.0, do_normalize=True)
    config = Wav2Vec2Config(
        hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        conv_dim=(16, 16, 16), conv_stride=(5, 4, 16), conv_kernel=(10, 8, 16),
        num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=2, vocab_size=len(CTC_VOCAB),
        pad_token_id=0, ctc_loss_reduction="mean",
    )
    Wav2Vec2ForCTC(config).eval().save_pretrained(folder)
    Wav2Vec2Processor(feature_extractor=extractor, tokenizer=tokenizer).save_pretrained(folder)
    return str(folder)


def shared_speech() -> Path | None:
    """The shared human recordings (``../shared/data/speech``), or None where they are absent."""
    for root in (Path(__file__).resolve().parents[1].parent / "shared" / "data" / "speech",
                 Path("/work/shared/data/speech")):
        if (root / "manifest.jsonl").exists():
            return root
    return None
