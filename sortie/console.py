"""The ``sortie`` console script: :func:`sortie.cli.main`, with the study workers' fork
server started first for the commands that will use it.

The command line's own imports (pandas, pydantic, the presets: ~0.8 s) come before it can
read its arguments. A sweep's or an optimisation's local workers are forked from a server
that imports PyBaMM once (:func:`sortie.studies.executors.start_study_server`); started here,
before those imports, the server imports PyBaMM on the second core meanwhile, and the
workers start ~1 s sooner. This module imports nothing heavy for that reason.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from sortie.errors import InputError
from sortie.studies import executors

STUDY_COMMANDS = frozenset({"sweep", "optimise"})


def _option(argv: Sequence[str], name: str) -> str | None:
    """The last value given to ``name`` (``--name VALUE`` or ``--name=VALUE``), else None."""
    value = None
    for position, argument in enumerate(argv):
        if argument == name and position + 1 < len(argv):
            value = argv[position + 1]
        elif argument.startswith(f"{name}="):
            value = argument.partition("=")[2]
    return value


def wants_study_server(argv: Sequence[str], environ: Mapping[str, str]) -> bool:
    """Whether ``sortie ARGV`` will fly its designs in a local pool of 2 or more workers: a
    study command without a cluster (``--cluster``, ``SORTIE_DASK_SCHEDULER``) and not asking
    for help. A guess ahead of the real parser, which still checks everything: a wrong guess
    costs only time (a server started for nothing, or workers spawned later)."""
    if not argv or argv[0] not in STUDY_COMMANDS:
        return False
    if "-h" in argv or "--help" in argv:
        return False
    if _option(argv, "--cluster") or environ.get(executors.SCHEDULER_VARIABLE):
        return False
    workers = _option(argv, "--workers")
    try:
        count = executors.default_worker_count(environ) if workers is None else int(workers)
    except (ValueError, InputError):  # the command line says what is wrong
        return False
    return count > 1


def main(argv: Sequence[str] | None = None) -> int:
    """The console entry (see the module notes)."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    if wants_study_server(arguments, os.environ):
        executors.start_study_server()
    from sortie.cli import main as cli_main

    return cli_main(arguments)
