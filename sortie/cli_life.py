"""``sortie life``: fly the same mission sortie after sortie on an ageing cell (recharge,
turnaround, storage between campaigns) and print from which sortie on it no longer completes
with its reserve; optionally the per-sortie table as CSV or parquet. :mod:`sortie.cli` parses
and dispatches."""

from __future__ import annotations

import argparse
import io
import json
import math
from pathlib import Path

from sortie.cli_options import (
    add_simulation_options,
    finite,
    json_ready,
    json_text,
    positive,
    single_cell_setup,
)
from sortie.errors import InputError
from sortie.files import check_writable, write_file
from sortie.progress import TerminalProgress
from sortie.studies.life_spec import LifeMesh, LifeSpec, Storage, parse_recharge

EXPORT_SUFFIXES = (".csv", ".parquet")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be at least 1")
    return value


def add_command(commands: argparse._SubParsersAction) -> None:
    """The ``life`` command and its options (those of ``run`` for the flight)."""
    life = commands.add_parser("life", help="fly a mission sortie after sortie on an ageing cell")
    life.add_argument("--mission", required=True, help="mission preset id or .toml file")
    life.add_argument(
        "--bin-s", type=positive, default=10.0, help="flight-log averaging bin [s] (default 10)"
    )
    life.add_argument("--cell", help="cell preset id or .toml file (default: the drone's cell)")
    life.add_argument("--drone", help="drone preset id or .toml file (default: the mission's)")
    add_simulation_options(life)
    life.add_argument("--sorties", type=_count, default=100, help="sorties (default 100)")
    life.add_argument(
        "--recharge",
        default="1C CCCV to 4.2 V",
        help='between sorties: "1C CCCV to 4.2 V", "0.5C", a charger power "120 W", or '
        "gentle / standard / fast (default 1C CCCV to 4.2 V)",
    )
    life.add_argument(
        "--turnaround-min", type=finite, default=30.0, help="rest after the recharge [min]"
    )
    life.add_argument(
        "--ground-temperature-c",
        type=finite,
        help="ambient while recharging and resting [°C] (default: the mission's)",
    )
    life.add_argument("--storage-days", type=finite, help="storage between campaigns [days]")
    life.add_argument(
        "--storage-temperature-c", type=finite, default=20.0, help="storage temperature [°C]"
    )
    life.add_argument(
        "--storage-soc", type=finite, default=0.5, help="storage state of charge 0..1"
    )
    life.add_argument(
        "--campaign-sorties",
        type=_count,
        help="a storage period after every K sorties (default: once, after half)",
    )
    life.add_argument("--report-every", type=_count, default=1, help="table rows every k-th")
    life.add_argument(
        "--no-acceleration", action="store_true", help="solve every sortie in full (slow)"
    )
    life.add_argument(
        "--mesh",
        choices=[mesh.value for mesh in LifeMesh],
        default=LifeMesh.COARSE.value,
        help="the mesh the sorties are solved on (default coarse: 2.4x faster, the capacity "
        "within 4e-5 of PyBaMM's default mesh over 500 sorties)",
    )
    life.add_argument("--out", type=Path, help="write the per-sortie table (.csv or .parquet)")


def life_spec_of(args: argparse.Namespace) -> LifeSpec:
    """The life the options describe; errors name the options."""
    storage = None
    if args.storage_days is not None:
        storage = Storage(
            days=args.storage_days,
            temperature_c=args.storage_temperature_c,
            state_of_charge=args.storage_soc,
            every_sorties=args.campaign_sorties,
        )
    elif args.campaign_sorties is not None:
        raise InputError("--campaign-sorties needs --storage-days")
    if not math.isfinite(args.turnaround_min) or args.turnaround_min < 0:
        raise InputError("--turnaround-min must be 0 or more")
    try:
        return LifeSpec(
            sorties=args.sorties,
            recharge=parse_recharge(args.recharge),
            turnaround_s=args.turnaround_min * 60.0,
            ground_temperature_c=args.ground_temperature_c,
            storage=storage,
            report_every=args.report_every,
            accelerate=not args.no_acceleration,
            mesh=LifeMesh(args.mesh),
        )
    except InputError as error:
        raise InputError(f"sortie life: {error}") from None


def run_life_command(args: argparse.Namespace) -> int:
    """``sortie life``: fly the life, print (text or JSON), write the table; exit 0."""
    from sortie.studies.life import run_life

    if args.out:
        if args.out.suffix.lower() not in EXPORT_SUFFIXES:
            raise InputError(f"--out {args.out}: use a .csv or .parquet file")
        check_writable(args.out, f"--out {args.out}")
    spec = life_spec_of(args)
    setup = single_cell_setup(args, "life")
    progress = TerminalProgress("life", unit="sorties")
    try:
        result = run_life(setup, spec, progress=progress.update)
    finally:
        progress.close()
    if args.out:
        write_file(args.out, _export(result.table, args.out.suffix.lower()), str(args.out))
    if args.json:
        data = json_ready(result.summary.to_dict())
        # pandas' own JSON: numpy booleans and NaN (as null) included.
        data["sorties_table"] = json.loads(result.table.reset_index().to_json(orient="records"))
        print(json_text(data))
    else:
        print(format_life(result))
    return 0


def _export(table, suffix: str) -> bytes:
    if suffix == ".parquet":
        buffer = io.BytesIO()
        table.to_parquet(buffer)
        return buffer.getvalue()
    return table.to_csv(float_format="%.10g").encode("utf-8")


def format_life(result) -> str:
    """The life as text: summary lines and every reported sortie's key numbers."""
    summary, table = result.summary, result.table
    failing = summary.first_failing_sortie
    verdict = (
        f"first sortie that does not complete with its reserve: {failing} "
        f"({summary.failing_reason})"
        if failing is not None
        else f"every one of {summary.sorties} sorties completes with its reserve"
    )
    lines = [
        f"{summary.cell_id} on {summary.mission_id} ({summary.model.upper()}), "
        f"{summary.sorties} sorties",
        verdict,
        f"capacity at the last sortie: {100 * summary.capacity_relative_end:.2f} % of new "
        f"({summary.new_capacity_ah:.3f} Ah per cell new); lost in storage "
        f"{100 * summary.calendar_capacity_loss_relative:.2f} %, flying and recharging "
        f"{100 * summary.cycling_capacity_loss_relative:.2f} %",
        "mechanisms: " + ", ".join(m.value for m in summary.mechanisms),
        f"acceleration: {summary.acceleration} ({summary.wall_time_s:.0f} s)",
        *(f"assumption: {a}" for a in summary.assumptions),
        *(f"warning: {w}" for w in summary.warnings),
        "",
        f"{'sortie':>6} {'capacity':>9} {'resist.':>8} {'LLI':>7} {'plated':>9} "
        f"{'energy':>8} {'endurance':>9} {'landing':>8} {'peak':>7}  completed",
    ]
    for sortie, row in table.iterrows():
        mark = "" if row.simulated else " ~"
        lines.append(
            f"{sortie:>6} {100 * row.capacity_relative:>8.2f}% "
            f"{100 * row.resistance_relative:>7.1f}% {100 * row.lithium_inventory_loss:>6.2f}% "
            f"{1000 * row.plated_lithium_ah:>6.2f} mAh {row.energy_wh:>6.1f}Wh "
            f"{row.endurance_s / 60:>7.1f}min {100 * row.landing_state_of_charge:>7.1f}% "
            f"{row.peak_temperature_c:>5.1f}°C  {'yes' if row.completed else 'NO'}{mark}"
        )
    lines.append("(~: stepped over by cycle jumping, interpolated)")
    return "\n".join(lines)
