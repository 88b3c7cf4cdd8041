"""One module per ``speechxai`` subcommand, each with ``register(subparsers)``."""

from . import explain, explain_dataset, models, summarize

COMMANDS = [explain, models, explain_dataset, summarize]
