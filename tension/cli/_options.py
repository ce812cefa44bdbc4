"""Reading the input and checking the options of the ``tension`` command: ``CliError``, the
events reader with its kept/skipped report and format hints, the checks argparse cannot make,
and writing a table to a file or standard output."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from .. import _params
from ..exceptions import ParameterError
from ._csv import write_csv

__all__ = [
    "CliError",
    "read_events",
    "events_of",
    "check_options",
    "check_direction",
    "score_kwargs",
    "check_dyads",
    "write",
    "message",
]

_PROGRESS_BYTES = 50 * 2**20


class CliError(Exception):
    """A usage problem found after parsing (reported as one line, exit code 2)."""


def read_events(path: str, source: str, progress: bool | None, weights=None, dayfirst=None, date_format=None):
    """Read the events; a reader's kept/skipped report goes to stderr, and an input
    that yields no events is a CliError with the reasons (and the right ``--from``).
    ``dayfirst`` and ``date_format`` are those of :func:`tension.read_events` (the
    readers take ``dayfirst`` only)."""
    if date_format is not None and source != "events":
        takes = (
            "GDELT's dates are YYYYMMDD" if source == "gdelt" else f"--from {source} takes --dayfirst or --monthfirst"
        )
        raise CliError(f"--date-format is for tension events files; {takes}")
    if dayfirst is not None and source == "gdelt":
        raise CliError(f"--{'day' if dayfirst else 'month'}first: GDELT's dates are YYYYMMDD; there is no order to say")
    try:
        events = _read(path, source, progress, weights, dayfirst, date_format)
    except (ValueError, OSError) as err:
        from ..events import EventError

        hint = _format_hint(path, source)
        text = message(err)
        if "dayfirst=" in text or "date_format=" in text:  # (the advice names read_events' arguments: the options)
            options = _DATE_OPTIONS[source != "events"]
            if source != "events" and "year first" in text:  # (--monthfirst reads no date of '24/01/17')
                options = _READER_YEAR_FIRST if "dayfirst=False" not in text else f"{options}, or {_YEAR_FIRST}"
            hint = "\n".join(filter(None, [hint, options]))
        if not isinstance(err, EventError) and path not in text:
            text = f"{path}: {text}"  # e.g. pandas' "No columns to parse from file"
        if hint or text != message(err):
            raise CliError(text + (f"\n{hint}" if hint else "")) from None
        raise
    report = events.attrs.get("report")
    if report is not None:
        for line in str(report).splitlines():
            print(f"tension: {line}", file=sys.stderr)
    if len(events) == 0:
        reasons = (
            "; ".join(f"{why}: {n}" for why, n in sorted(report.skipped.items(), key=lambda kv: -kv[1]))
            if report
            else ""
        )
        text = f"no events to score in {path}" + (f" (skipped: {reasons})" if reasons else "")
        hint = _format_hint(path, source)
        raise CliError(text + (f"\n{hint}" if hint else ""))
    return events


def _format_hint(path: str, source: str) -> str:
    """ "the file looks like X: use --from X" when its first line says so."""
    import tension as tn

    guess = tn.io.guess_format(path) if not any(ch in path for ch in "*?[") else None
    if guess and guess != source:
        return (
            f"{path} looks like {guess.upper() if guess != 'events' else 'a tension events'} data: use --from {guess}"
        )
    return ""


#: How to say a date column's order on the command line (a tension events file, a reader's file).
_DATE_OPTIONS = (
    "say which with --dayfirst (dayfirst=True), --monthfirst (dayfirst=False) or --date-format FORMAT "
    "(date_format=...)",
    "say which with --dayfirst (dayfirst=True) or --monthfirst (dayfirst=False)",
)
#: A reader's column that may have a two-digit year first: a reader takes no year-first format.
_YEAR_FIRST = "if a two-digit year is first, write the dates as YYYY-MM-DD"
_READER_YEAR_FIRST = f"say which with --dayfirst (dayfirst=True) if the year is last; {_YEAR_FIRST}"


def _read(path: str, source: str, progress: bool | None, weights=None, dayfirst=None, date_format=None):
    import tension as tn

    if source == "gdelt":
        return tn.io.read_gdelt(path, progress=progress)
    if source != "events":
        return getattr(tn.io, f"read_{source}")(path, dayfirst=dayfirst)
    file = Path(path)
    if not file.exists():
        raise FileNotFoundError(f"no such events file: {path}")
    if file.is_dir():
        raise CliError(f"{path} is a directory, not an events file")
    big = file.stat().st_size > _PROGRESS_BYTES if progress is None else progress
    from .. import events as _events

    token = _events._PROGRESS.set(bool(big))  # (the same reading and checks, with a bar)
    try:
        return tn.read_events(path, weights=weights, dayfirst=dayfirst, date_format=date_format)
    except UnicodeDecodeError as err:
        raise CliError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start}); save it as UTF-8") from None
    finally:
        _events._PROGRESS.reset(token)


def check_options(args) -> None:
    """Options that argparse cannot check, each refused in one line."""
    freq = getattr(args, "freq", None)
    if freq is not None:
        try:
            offset = pd.tseries.frequencies.to_offset(freq)
        except (ValueError, TypeError):
            raise CliError(f"--freq {freq!r} is not a pandas frequency (D, W, MS, 6h, …)") from None
        if getattr(offset, "n", 1) <= 0:
            raise CliError(f"--freq {freq!r} must be a positive step, e.g. 1D")
    top = getattr(args, "top", None)
    if top is not None and top < 1:
        raise CliError(f"--top must be at least 1, not {top}")
    for name in ("start", "end", "at"):
        value = getattr(args, name, None)
        if value is not None:
            try:
                _params.timestamp(name, value)
            except ParameterError as err:
                reason = str(err).split(": ", 1)[-1]
                raise CliError(f"--{name} {value!r} is not a date (write it as YYYY-MM-DD): {reason}") from None
    if getattr(args, "start", None) and getattr(args, "end", None):
        start, end = _params.timestamp("start", args.start), _params.timestamp("end", args.end)
        assert start is not None and end is not None  # (both given)
        if (start.tz is None) != (end.tz is None):
            raise CliError(f"--start {args.start} and --end {args.end}: give a time zone on both or on neither")
        if start > end:
            raise CliError(f"--start {args.start} is after --end {args.end}")
    dpi = getattr(args, "dpi", None)
    if dpi is not None and dpi < 1:
        raise CliError(f"--dpi must be at least 1, not {dpi}")
    output = getattr(args, "output", None)
    if output and output != "-":
        folder = Path(output).resolve().parent
        if Path(output).is_dir():
            raise CliError(f"-o {output} is a directory; give a file name")
        if not folder.is_dir():
            raise CliError(f"cannot write {output}: no such directory {folder}")


def events_of(args):
    """The events of a command that reads them (``score``, ``plot``, ``episodes``,
    ``alerts``): its options checked, the file read with its date options, and the
    direction and the grid's bounds checked against the events."""
    check_options(args)
    events = read_events(args.events, args.source, args.progress, args.weights, args.dayfirst, args.date_format)
    check_direction(events, args)
    return events


def check_direction(events, args) -> None:
    """Refuse --directed on events without a direction, and a grid outside the events."""
    import tension as tn

    tn.io.check_direction(events, directed=bool(args.directed))
    first, last = _instant(events["date"].min()), _instant(events["date"].max())
    if args.start and not args.end and _instant(args.start) > last:
        raise CliError(f"--start {args.start} is after the last event ({last:%Y-%m-%d}); give --end as well")
    if args.end and not args.start and _instant(args.end) < first:
        raise CliError(f"--end {args.end} is before the first event ({first:%Y-%m-%d}); give --start as well")


def _instant(date) -> pd.Timestamp:
    """A date as a naive UTC time (the events' naive dates are UTC): zoned times compare as instants."""
    date = _params.timestamp("date", date) if isinstance(date, str) else pd.Timestamp(date)  # (quarters too)
    return date.tz_convert("UTC").tz_localize(None) if date.tz is not None else date


def score_kwargs(args) -> dict:
    kwargs = {"directed": args.directed or None, "weights": args.weights}
    if args.half_life is not None:
        kwargs["half_life"] = args.half_life
    return kwargs


def check_dyads(known, wanted):
    missing = [d for d in wanted or [] if d not in set(known)]
    if missing:
        shown = ", ".join(sorted(set(known))[:12])
        raise CliError(f"no events for dyad {', '.join(missing)}; dyads present: {shown}")


def write(frame: pd.DataFrame, output: str):
    if output == "-":
        if not write_csv(frame, lambda data: sys.stdout.write(bytes(data).decode("utf-8"))):
            frame.to_csv(sys.stdout, index=False)
        sys.stdout.flush()
        return
    path = Path(output)
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".csv", ".tsv"):
        raise CliError(f"cannot write {output!r}: use a .csv, .tsv or .parquet file name, or - for standard output")
    try:
        if suffix == ".parquet":
            frame.to_parquet(path, index=False)
        else:
            sep = "\t" if suffix == ".tsv" else ","
            with open(path, "wb") as handle:  # (UTF-8, as pandas writes it)
                written = write_csv(frame, handle.write, sep=sep)
            if not written:
                frame.to_csv(path, index=False, sep=sep)
    except OSError as err:
        raise CliError(f"cannot write {output}: {(err.strerror or str(err)).lower()}") from None
    print(f"wrote {len(frame)} rows to {path}", file=sys.stderr)


def message(err: BaseException) -> str:
    """The user-facing text of an error: OSErrors as "file: reason"."""
    if isinstance(err, OSError) and not isinstance(err, (FileNotFoundError,)) and err.strerror:
        return f"{err.filename}: {err.strerror.lower()}" if err.filename else err.strerror
    if isinstance(err, FileNotFoundError) and err.strerror and err.filename:
        return f"no such file: {err.filename}"
    return str(err)
