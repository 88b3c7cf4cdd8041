"""The base of every error meant for people: bad input, missing model, unusable timings."""


class SpeechXAIError(Exception):
    """Raised for problems the user can fix; the message is shown as it is."""
