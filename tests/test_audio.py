import warnings

import numpy as np
import pytest
import soundfile as sf

from speechxai_core.audio import AudioError, SilentAudioWarning, load_audio, save_wav

from .conftest import SR, harmonic_tone


def _encode_with_av(path, samples, sr, codec, container_format):
    import av

    with av.open(str(path), "w", format=container_format) as out:
        stream = out.add_stream(codec, rate=sr)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray((samples * 32767).astype(np.int16)[None], format="s16", layout="mono")
        frame.sample_rate = sr
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


@pytest.mark.parametrize("suffix,subtype", [(".wav", "PCM_16"), (".wav", "PCM_24"), (".wav", "PCM_32"),
                                            (".wav", "PCM_U8"), (".wav", "FLOAT"), (".flac", "PCM_16"),
                                            (".ogg", "VORBIS"), (".mp3", "MPEG_LAYER_III")])
def test_soundfile_formats_load_as_mono_float32(tmp_path, suffix, subtype):
    tone = harmonic_tone(seconds=1.0)
    path = tmp_path / f"clip{suffix}"
    sf.write(path, tone, SR, subtype=subtype)
    audio = load_audio(path)
    assert audio.samples.dtype == np.float32 and audio.sr == SR
    assert abs(audio.duration - 1.0) < 0.08  # mp3 adds encoder padding
    assert 0.2 < np.max(np.abs(audio.samples)) < 0.4


@pytest.mark.parametrize("name,codec,fmt,rate", [("clip.webm", "libopus", "webm", 48000), ("clip.m4a", "aac", "mp4", 44100)])
def test_browser_formats_decode_through_ffmpeg(tmp_path, name, codec, fmt, rate):
    tone = harmonic_tone(seconds=1.0, sr=rate)
    path = tmp_path / name
    _encode_with_av(path, tone, rate, codec, fmt)
    audio = load_audio(path, target_sr=SR)
    assert audio.sr == SR
    assert abs(audio.duration - 1.0) < 0.1
    spectrum = np.abs(np.fft.rfft(audio.samples))
    assert abs(np.argmax(spectrum) * SR / len(audio.samples) - 150) < 5


def test_stereo_is_averaged_and_resampled_with_pitch_kept(tmp_path):
    rate = 44100
    left = harmonic_tone(seconds=1.0, sr=rate)
    stereo = np.stack([left, np.zeros_like(left)], axis=1)
    path = tmp_path / "stereo.wav"
    sf.write(path, stereo, rate)
    audio = load_audio(path, target_sr=SR)
    assert audio.sr == SR and len(audio.samples) == SR
    assert np.max(np.abs(audio.samples)) == pytest.approx(0.15, abs=0.02)
    spectrum = np.abs(np.fft.rfft(audio.samples))
    assert np.argmax(spectrum) == pytest.approx(150, abs=2)


def test_arrays_integer_and_channel_first():
    ints = (harmonic_tone(seconds=0.5) * 32767).astype(np.int16)
    audio = load_audio((np.stack([ints, ints]), SR))
    assert audio.samples.dtype == np.float32 and len(audio.samples) == SR // 2
    assert np.max(np.abs(audio.samples)) == pytest.approx(0.3, abs=0.01)


def test_bytes_input(tmp_path):
    path = save_wav(harmonic_tone(seconds=0.5), tmp_path / "a.wav", SR)
    assert len(load_audio(path.read_bytes()).samples) == SR // 2


@pytest.mark.parametrize("make,message", [
    (lambda p: None, "file not found"),
    (lambda p: p.write_bytes(b""), "file is empty"),
    (lambda p: p.write_text("this is not audio at all, just text " * 20), "not a readable audio file"),
    (lambda p: sf.write(p, np.zeros(800, np.float32) + 0.1, SR), "too short"),
    (lambda p: sf.write(p, harmonic_tone(seconds=3.0), SR), "too long"),
])
def test_bad_files_name_the_file_and_the_problem(tmp_path, make, message):
    path = tmp_path / "bad.wav"
    make(path)
    with pytest.raises(AudioError) as info:
        load_audio(path, max_duration=2.0)
    assert "bad.wav" in str(info.value) and message in str(info.value)


def test_nan_and_empty_arrays_are_rejected():
    with pytest.raises(AudioError, match="NaN or infinite"):
        load_audio((np.array([0.1, np.nan] * 4000, np.float32), SR))
    with pytest.raises(AudioError, match="no audio samples"):
        load_audio((np.zeros(0, np.float32), SR))


def test_silence_warns_but_loads():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        audio = load_audio((np.zeros(SR, np.float32), SR))
    assert len(audio.samples) == SR
    assert any(issubclass(w.category, SilentAudioWarning) for w in caught)
