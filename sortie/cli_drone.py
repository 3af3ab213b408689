"""``sortie drone fit``: a drone's coefficients fitted to its own PX4 or ArduPilot flight log
(:mod:`sortie.studies.drone_fit`); prints a table (value, base value, standard error, status;
measured against model power per phase) or one JSON object, and writes the drone file.
:mod:`sortie.cli` parses and dispatches."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING

from sortie.cli_options import finite, json_text, positive
from sortie.defaults import STANDARD_AMBIENT_C
from sortie.errors import InputError
from sortie.files import check_writable

if TYPE_CHECKING:
    from sortie.models.flight_record import FlightRecord
    from sortie.studies.drone_fit import DroneFit

EXIT_OK = 0


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``drone`` command and its ``fit`` subcommand."""
    parser = subparsers.add_parser("drone", help="drone files from flight logs")
    commands = parser.add_subparsers(dest="drone_command", required=True)
    fit = commands.add_parser(
        "fit",
        help="fit a drone's figure of merit, drag and avionics power to its PX4 (.ulg) or "
        "ArduPilot (.bin) flight log",
    )
    fit.add_argument("log", type=Path, help="the flight log: PX4 .ulg or ArduPilot .bin")
    fit.add_argument("--drone", required=True, help="base drone: preset id or .toml file")
    fit.add_argument(
        "--take-off-mass-kg",
        type=positive,
        required=True,
        help="the drone's mass as it flew the log [kg], with pack and payload",
    )
    fit.add_argument(
        "--ambient-c",
        type=finite,
        default=STANDARD_AMBIENT_C,
        help=f"air temperature on the ground [°C] (default {STANDARD_AMBIENT_C:g})",
    )
    fit.add_argument(
        "--ground-altitude-m",
        type=finite,
        default=0.0,
        help="the take-off site's altitude above sea level [m] (default 0)",
    )
    fit.add_argument(
        "--battery-instance", type=int, help="the log's battery (default: the most energy)"
    )
    fit.add_argument("--out", type=Path, help="write the fitted drone file here (.toml)")
    fit.add_argument("--json", action="store_true", help="print JSON")
    return parser


def read_record(path: Path, battery_instance: int | None = None) -> FlightRecord:
    """A PX4 ``.ulg`` or ArduPilot ``.bin`` log as a record (a CSV log has no speeds)."""
    suffix = path.suffix.lower()
    if suffix == ".ulg":
        from sortie.models.flight_log_ulog import read_ulog

        return read_ulog(path, battery_instance=battery_instance)
    if suffix == ".bin":
        from sortie.models.flight_log_dataflash import read_dataflash

        return read_dataflash(path, battery_instance=battery_instance)
    raise InputError(
        f"{path.name}: a drone is fitted to a PX4 .ulg or ArduPilot .bin log (speeds, "
        "altitude and armed state), not a power-only log"
    )


def _number(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.4g}"


def _table(fit: DroneFit) -> str:
    lines = [f"{fit.base.id} fitted to {fit.source} at {fit.take_off_mass_kg:g} kg:"]
    width = max(len(v.parameter.value) for v in fit.values)
    lines.append(f"  {'value':{width}s}  {'fitted':>9s}  {'± 1 s.e.':>9s}  {'base':>9s}  status")
    for v in fit.values:
        lines.append(
            f"  {v.parameter.value:{width}s}  {_number(v.value):>9s}  "
            f"{_number(v.standard_error):>9s}  {_number(v.base_value):>9s}  {v.status}"
        )
    lines.append(
        f"  {'phase':18s} {'from [s]':>8s} {'to [s]':>8s} {'samples':>7s} "
        f"{'measured [W]':>12s} {'model [W]':>10s} {'error':>7s}"
    )
    for p in fit.phases:
        lines.append(
            f"  {p.label:18s} {p.start_s:8.1f} {p.end_s:8.1f} {p.sample_count:7d} "
            f"{p.measured_power_w:12.1f} {p.model_power_w:10.1f} {p.error_percent:+6.1f}%"
        )
    lines.append(
        f"  {fit.sample_count} steady samples, rms residual {fit.rms_residual_w:.3g} W; "
        "uncertainty: one standard error from the Jacobian (independent samples: a lower bound)"
    )
    lines.extend(f"  note: {text}" for text in fit.notes)
    lines.extend(f"warning: {text}" for text in fit.warnings)
    return "\n".join(lines)


def run_drone_command(args: argparse.Namespace) -> int:
    """``sortie drone fit``: read, fit, print (table or JSON), write; the exit status."""
    from sortie.presets.loader import load_drone
    from sortie.studies.drone_fit import fit_drone, write_drone_file

    if args.out is not None:
        if args.out.suffix.lower() != ".toml":
            raise InputError(f"--out {args.out}: a drone file ends in .toml")
        check_writable(args.out, f"--out {args.out}")  # before the fit, not after it
    base = load_drone(args.drone)
    record = read_record(args.log, args.battery_instance)
    fit = fit_drone(
        record,
        base,
        args.take_off_mass_kg,
        ambient_c=args.ambient_c,
        ground_altitude_m=args.ground_altitude_m,
    )
    written = str(write_drone_file(args.out, fit)) if args.out is not None else None
    if args.json:
        print(json_text({**fit.to_dict(), "file": written}))
    else:
        print(_table(fit))
        if written:
            print(f"wrote {written}")
    return EXIT_OK
