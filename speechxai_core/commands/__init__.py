"""One module per ``speechxai`` subcommand, each with ``register(subparsers)``."""

from . import align, explain, explain_dataset, models, summarize

COMMANDS = [explain, models, align, explain_dataset, summarize]
