"""One module per ``speechxai`` subcommand, each with ``register(subparsers)``."""

from . import explain, models

COMMANDS = [explain, models]
