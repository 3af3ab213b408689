"""The command line's design-space commands: ``sortie sweep`` and ``sortie optimise``.

Kept apart from :mod:`sortie.cli` (which parses and dispatches): each command here adds its
options to the parser and turns a namespace into a study call and its report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from sortie.errors import InputError
from sortie.progress import TerminalProgress

EXIT_OK = 0
# Designs shown at the end of a sweep, longest endurance first.
TOP_DESIGNS = 5


def _add_execution_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers", type=int, help="local worker processes (default: the cores, at most 4)"
    )
    parser.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="a Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: $SORTIE_DASK_SCHEDULER)",
    )


def add_commands(commands: argparse._SubParsersAction) -> None:
    sweep = commands.add_parser("sweep", help="fly every design of a sweep file")
    sweep.add_argument("file", type=Path, help="sweep file (.toml): base and dimensions")
    sweep.add_argument(
        "--out", type=Path, required=True, help="results folder (Parquet parts), e.g. x.parquet"
    )
    sweep.add_argument(
        "--resume", action="store_true", help="finish a killed sweep in the same --out"
    )
    _add_execution_options(sweep)


def _check_workers(args: argparse.Namespace) -> None:
    if args.workers is not None and not 1 <= args.workers <= 256:
        raise InputError(f"--workers {args.workers}: must be within 1..256")


def run_sweep_command(args: argparse.Namespace) -> int:
    from sortie.studies.design_space import read_sweep_spec
    from sortie.studies.sweep import run_sweep

    _check_workers(args)
    spec = read_sweep_spec(args.file)
    progress = TerminalProgress(spec.name)
    try:
        run = run_sweep(
            spec,
            args.out,
            workers=args.workers,
            cluster=args.cluster,
            resume=args.resume,
            progress=progress.update,
        )
    except KeyboardInterrupt:
        progress.close()
        print(
            f"sortie: interrupted; the finished designs are in {args.out}: add --resume to "
            "finish the rest",
            file=sys.stderr,
        )
        return 130
    progress.close()
    print(_sweep_report(run.table, run.total, run.computed, run.seconds, args.out))
    if run.failed:
        print(
            f"warning: {len(run.failed)} designs failed with an internal error (first: "
            f"{run.failed[0]}); --resume retries them",
            file=sys.stderr,
        )
    return EXIT_OK


def _sweep_report(table: pd.DataFrame, total: int, computed: int, seconds: float, out) -> str:
    flown = table[table["flown"]]
    lines = [
        f"{total} designs ({computed} computed now, in {seconds:.1f} s): {len(flown)} flown, "
        f"{int(flown['mission_completed'].sum())} completed; results in {out}"
    ]
    grounded = table[~table["flown"]]
    if len(grounded):
        counts = grounded["not_flown_reason"].value_counts()
        lines.append(
            "not flown: " + ", ".join(f"{count} {reason}" for reason, count in counts.items())
        )
    if len(flown):
        fields = [c for c in table.columns[1 : list(table.columns).index("flown")]]
        best = flown.sort_values(
            ["mission_completed", "endurance_s", "final_state_of_charge"], ascending=False
        ).head(TOP_DESIGNS)
        lines.append("longest endurance:")
        for row in best.itertuples(index=False):
            values = ", ".join(f"{f}={_value(getattr(row, _attribute(table, f)))}" for f in fields)
            lines.append(
                f"  #{row.design}: {values}: {row.endurance_s / 60:.1f} min, "
                f"{100 * row.final_state_of_charge:.0f} % left, {row.max_cell_temperature_c:.1f} °C"
                f" ({row.termination_reason})"
            )
    return "\n".join(lines)


def _attribute(table: pd.DataFrame, column: str) -> str:
    # itertuples renames columns that are not identifiers (cell.x) to _<position>.
    name = column
    if not name.isidentifier():
        name = f"_{list(table.columns).index(column)}"
    return name


def _value(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
