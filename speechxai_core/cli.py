"""``speechxai`` command line; each subcommand lives in :mod:`speechxai_core.commands`."""

from __future__ import annotations

import argparse
import sys
import warnings

from .commands import COMMANDS
from .errors import SpeechXAIError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="speechxai", description="Explain speech classifiers.")
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; problems with the input print one ``error:`` line and return 2."""
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            code = args.run(args)
        shown = set()
        for warning in caught:
            if issubclass(warning.category, UserWarning) and "speechxai" in str(warning.filename):
                if str(warning.message) not in shown:
                    shown.add(str(warning.message))
                    print(f"warning: {warning.message}", file=sys.stderr)
        return code
    except (SpeechXAIError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
