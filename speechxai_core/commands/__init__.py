"""One module per ``speechxai`` subcommand, each with ``register(subparsers)``."""

from . import align, explain, models

COMMANDS = [explain, models, align]
