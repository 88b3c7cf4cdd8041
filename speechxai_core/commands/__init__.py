"""One module per ``speechxai`` subcommand, each with ``register(subparsers)``."""

from . import align, benchmark, explain, explain_dataset, models, summarize

COMMANDS = [explain, models, align, explain_dataset, summarize, benchmark]
