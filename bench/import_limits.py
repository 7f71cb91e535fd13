"""How fast and in how much memory hostile files are refused by `clubbot import participants`' reader.

    .venv/bin/python bench/import_limits.py [--write-docs]

The attacks of issue 14: a 2 MB XLSX whose sheet unpacks to 566 MB (a zip bomb), a 50 MB CSV. Each is read by
`bot.participants.tables.read_table` with the default limits, in a child process (so its peak RSS is its own),
measuring wall time, the peak RSS (VmHWM) and, in a second read, the peak of Python allocations (tracemalloc).
The baseline, in the same run, is a genuine 10,000-row XLSX read the same way; the ratios are against it.
Fails (exit 1) when a bomb is not refused, takes 5 s or more, or peaks at 300 MB or more.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import documented

MB = 1024 * 1024
HEADER = ["성명", "이메일", "소속", "국가"]


def genuine_xlsx(path: Path, rows: int) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("participants")
    sheet.append(HEADER)
    for n in range(rows):
        sheet.append([f"참가자{n}", f"p{n}@example.org", "KAIST", "대한민국"])
    workbook.save(path)
    return path


def zip_bomb(path: Path, unpacked: int) -> Path:
    """A valid workbook whose sheet part unpacks to `unpacked` bytes of one repeated row, written as a stream."""
    genuine_xlsx(path, 1)
    with zipfile.ZipFile(path) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    sheet_name = next(name for name in parts if name.startswith("xl/worksheets/"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            if name != sheet_name:
                archive.writestr(name, data)
        with archive.open(sheet_name, "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            block = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 50_000
            written = 0
            while written < unpacked:
                sheet.write(block)
                written += len(block)
            sheet.write(b"</sheetData></worksheet>")
    return path


def big_csv(path: Path, size: int) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    n = 0
    while buffer.tell() < size:
        writer.writerow([f"participant {n}", f"p{n}@example.org", "KAIST", "KR"])
        n += 1
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def child(path: str) -> None:
    """Read one file as the import does; print what happened as JSON."""
    import openpyxl  # noqa: F401 - loaded before the clock starts, as in a running import

    from bot.participants.tables import TableError, read_table

    def read() -> str:
        try:
            return f"read {len(read_table(Path(path)).rows):,} rows"
        except TableError as problem:
            return f"refused: {problem.key}"

    started = time.perf_counter()
    outcome = read()
    elapsed = time.perf_counter() - started
    rss = high_water_mark()  # this process's own peak (ru_maxrss would include the parent's, kept across exec)
    tracemalloc.start()  # a second read for Python's own allocations (tracemalloc slows it down, so not timed)
    read()
    _current, peak = tracemalloc.get_traced_memory()
    print(json.dumps({"outcome": outcome, "seconds": elapsed, "python_peak": peak, "rss_peak": rss}))


def high_water_mark() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True, timeout=600
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@documented("import-limits", "reliability.md")
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    failures = 0
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        cases = [
            ("baseline: genuine XLSX, 10,000 rows", genuine_xlsx(base / "genuine.xlsx", 10_000), False),
            ("zip bomb: XLSX unpacking to 566 MB", zip_bomb(base / "bomb.xlsx", 566 * MB), True),
            ("CSV of 50 MB", big_csv(base / "big.csv", 50 * MB), True),
        ]
        baseline: dict[str, object] | None = None
        print(f"{'file':<38} {'on disk':>9} {'outcome':<48} {'time':>8} {'py peak':>9} {'RSS peak':>9}  ratios")
        for label, path, hostile in cases:
            result = measure(path)
            baseline = baseline or result
            seconds, peak, rss = float(result["seconds"]), int(result["python_peak"]), int(result["rss_peak"])  # type: ignore[call-overload]
            ratio = (
                f"time ×{seconds / float(baseline['seconds']):.2f}, RSS ×{rss / int(baseline['rss_peak']):.2f}"  # type: ignore[call-overload]
            )
            print(
                f"{label:<38} {path.stat().st_size / MB:7.1f}MB {result['outcome']!s:<48} {seconds:7.2f}s "
                f"{peak / MB:7.1f}MB {rss / MB:7.1f}MB  {ratio}"
            )
            if hostile and (not str(result["outcome"]).startswith("refused") or seconds >= 5 or rss >= 300 * MB):
                print(f"  FAILED: {label} must be refused in < 5 s and < 300 MB")
                failures += 1
    print("All refused within 5 s and 300 MB." if not failures else f"{failures} limit(s) not held.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
