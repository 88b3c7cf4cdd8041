"""The base of every error meant for people: bad input, missing model, unusable timings."""


class SpeechXAIError(Exception):
    """Raised for problems the user can fix; the message is shown as it is."""


def echo(text: object, limit: int = 60) -> str:
    """``text`` as an error message repeats it: cut to ``limit`` characters (with the full length said)."""
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"
