"""The command line's design-space commands: ``sortie sweep`` and ``sortie optimise``.

Kept apart from :mod:`sortie.cli` (which parses and dispatches): each command here adds its
options to the parser and turns a namespace into a study call and its report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sortie.cli_process import one_line
from sortie.errors import InputError, shown_value
from sortie.files import check_writable, spreadsheet_safe_frame, write_file
from sortie.models.compile_cache import compile_cache_folder
from sortie.progress import TerminalProgress
from sortie.quantities import FIGURES
from sortie.studies.ranking import Criterion, rank_designs

if TYPE_CHECKING:
    from sortie.studies.design_space import SweepSpec

EXIT_OK = 0
# Designs shown at the end of a sweep, longest endurance first.
TOP_DESIGNS = 5
ENDURANCE = FIGURES["endurance_s"]


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

    optimise = commands.add_parser(
        "optimise", help="the best design for a figure under constraints (optimisation file)"
    )
    optimise.add_argument("file", type=Path, help="optimisation file (.toml)")
    optimise.add_argument(
        "--save-cell",
        type=Path,
        help="write the best design's cell here (default: <file name>-best.toml in the "
        "current folder)",
    )
    optimise.add_argument(
        "--table", type=Path, help="write every design flown (best first) to this .csv file"
    )
    _add_execution_options(optimise)


def _check_workers(args: argparse.Namespace) -> None:
    if args.workers is not None and not 1 <= args.workers <= 256:
        raise InputError(f"--workers {shown_value(args.workers)}: must be within 1..256")


def _compile_note(spec: SweepSpec) -> None:
    """A compiled sweep says why its first designs take minutes (nothing else shows it).
    ``compiled`` may come from the base settings, ``[base.set]`` or a dimension; checking
    the base also reports a bad base before anything runs."""
    from sortie.studies.design_rows import resolve_base

    compiled = resolve_base(spec).setup.settings.compiled or "settings.compiled" in spec.fields
    if compiled:
        print(
            "compiled = true: each model structure (chemistry, model, the mission's segment "
            "times) is compiled on its first run (1-2 minutes for DFN), later runs load it "
            f"from disk ({compile_cache_folder()})",
            file=sys.stderr,
        )


def run_sweep_command(args: argparse.Namespace) -> int:
    from sortie.studies.design_space import read_sweep_spec
    from sortie.studies.sweep import run_sweep

    _check_workers(args)
    spec = read_sweep_spec(args.file)
    _compile_note(spec)
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
        # One example of each reason: "invalid" alone does not say what to fix.
        for reason, group in grounded.groupby("not_flown_reason", sort=False):
            first = group.iloc[0]
            lines.append(f"  {reason}, e.g. #{first['design']}: {one_line(first['message'])}")
    if len(flown):
        fields = [c for c in table.columns[1 : list(table.columns).index("flown")]]
        # The page's order (sortie.studies.ranking): completed first, then endurance, then
        # the same tie-breaks, so the terminal and the app name the same best design.
        ranking = rank_designs(flown, Criterion("endurance_s", ENDURANCE.more_is_better))
        best = flown.set_index("design", drop=False).loc[list(ranking.order[:TOP_DESIGNS])]
        lines.append("longest endurance:")
        for row in best.itertuples(index=False):
            values = ", ".join(f"{f}={_value(getattr(row, _attribute(table, f)))}" for f in fields)
            lines.append(
                f"  #{row.design}: {values}: {ENDURANCE.text(row.endurance_s)}, "
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


def run_optimise_command(args: argparse.Namespace) -> int:
    from sortie.studies.optimise import read_optimise_spec, run_optimisation

    _check_workers(args)
    spec = read_optimise_spec(args.file)
    save_cell = args.save_cell or Path(f"{args.file.stem}-best.toml")
    # Before the optimisation, not after it: a folder that cannot take the files.
    check_writable(save_cell, f"--save-cell {save_cell}")
    if args.table is not None:
        check_writable(args.table, f"--table {args.table}")
    _compile_note(spec.sweep_spec())
    progress = TerminalProgress(spec.name, unit="generations")
    try:
        found = run_optimisation(
            spec, workers=args.workers, cluster=args.cluster, progress=progress.update
        )
    finally:
        progress.close()
    print(_optimise_report(found))
    if args.table is not None:
        table = spreadsheet_safe_frame(found.table)
        write_file(args.table, table.to_csv(index=False).encode("utf-8"), str(args.table))
    best = found.best
    cell_fields = [f for f in spec.sweep_spec().fields if f.split(".")[0] == "cell"]
    if best is not None and cell_fields:
        _save_best_cell(found, best, save_cell)
    elif best is not None:
        print("the optimum changes no cell field: no cell file written")
    return EXIT_OK


def _design_text(row, fields) -> str:
    return ", ".join(f"{field}={_value(row[field])}" for field in fields)


def _optimise_report(found) -> str:
    spec = found.spec
    fields = spec.sweep_spec().fields
    goals = ", ".join(f"{o.goal.value} {o.figure}" for o in spec.objectives)
    lines = [
        f"{spec.name}: {goals} by {spec.method.value}: {found.evaluations} designs flown in "
        f"{found.generations} generations ({found.seconds:.1f} s)"
    ]
    feasible = found.table[found.table["feasible"]]
    if feasible.empty:
        lines.append("no design meets the constraints")
        return "\n".join(lines)
    shown = found.pareto if len(spec.objectives) > 1 else feasible.head(TOP_DESIGNS)
    lines.append("Pareto front:" if len(spec.objectives) > 1 else "best designs:")
    for _, row in shown.head(20).iterrows():
        figures = ", ".join(f"{o.figure}={_value(row[o.figure])}" for o in spec.objectives)
        lines.append(f"  {_design_text(row, fields)}: {figures}")
    best = found.best
    lines.append(
        f"optimum: {_design_text(best, fields)}: "
        f"endurance {ENDURANCE.text(best['endurance_s'])}, "
        f"{100 * best['final_state_of_charge']:.0f} % left, "
        f"{best['max_cell_temperature_c']:.1f} °C, pack {best['pack_mass_kg']:.2f} kg"
    )
    return "\n".join(lines)


def _save_best_cell(found, best, path: Path) -> None:
    from sortie.presets.cell_files import cell_document, write_cell_file
    from sortie.studies.design_rows import resolve_base
    from sortie.studies.setup import apply_changes

    spec = found.spec
    fields = spec.sweep_spec().fields
    base = resolve_base(spec.sweep_spec())
    design = {field: _python(best[field]) for field in fields}
    cell = apply_changes(base.setup, {**base.changes, **design}).cell
    changes = _design_text(best, fields)
    document = cell_document(
        cell,
        name=f"{cell.name} ({spec.name})",
        description=f"the optimum of '{spec.name}': {changes}",
        derived_from=f"{cell.id} with {changes}",
    )
    write_cell_file(path, document)
    print(f"best cell written to {path} (sortie run --cell {path} ...)")


def _python(value):
    """A table value as plain Python (numpy and pandas scalars become int, float or str)."""
    return value.item() if hasattr(value, "item") else value
