"""Join the sections of one ``make bench`` run into one page: ``python -m benchmarks.harness.report DIR OUTPUT``.

DIR holds what the Makefile's bench target left there: ``<name>.md`` (the section each script wrote to BENCH_OUTPUT),
``<name>.seconds`` and ``<name>.failed`` (how long it ran, whether it failed) and ``loadavg-start``. The page starts
with the conditions of the run (date, machine, load, PostgreSQL, commit), then the sections: pages, api, admin first,
then the others by name.
"""

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

FIRST = ["pages", "api", "admin"]


def _ordered(names: list[str]) -> list[str]:
    return [n for n in FIRST if n in names] + sorted(n for n in names if n not in FIRST)


def _postgres() -> str:
    try:
        import psycopg

        server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(f"{server}/postgres", connect_timeout=5) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception as error:  # the page is still written without it
        return f"unknown ({error.__class__.__name__})"


def _commit(root: Path) -> str:
    """The commit measured, and how many files the working tree changed on top of it (measured too)."""
    done = subprocess.run(["git", "log", "-1", "--format=%h %cI"], cwd=root, capture_output=True, text=True)
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True
    ).stdout.splitlines()
    changed = [line for line in changed if not line.endswith("docs/benchmarks.md")]
    suffix = f" with uncommitted changes in {len(changed)} files" if changed else ""
    return (done.stdout.strip() or "unknown") + suffix


def _read(path: Path, default: str = "") -> str:
    return path.read_text().strip() if path.exists() else default


def _nested(section: str, name: str) -> str:
    """A section written as a page of its own (a level-1 heading) gets every heading one level down, its title
    the script's name."""
    lines = section.splitlines()
    if not any(line.startswith("# ") for line in lines):
        return section
    if lines[0].startswith("# "):
        lines[0] = f"# benchmarks/{name}.py"
    return "\n".join("#" + line if line.startswith("#") else line for line in lines)


def page(directory: Path, root: Path) -> str:
    names = _ordered([p.stem for p in directory.glob("*.seconds")])
    memory = next(
        (line.split()[1] for line in _read(Path("/proc/meminfo")).splitlines() if line.startswith("MemTotal")), "?"
    )
    load_end = " ".join(_read(Path("/proc/loadavg"), "? ? ?").split()[:3])
    load_start = " ".join(_read(directory / "loadavg-start", "? ? ?").split()[:3])
    runs = []
    for name in names:
        seconds = _read(directory / f"{name}.seconds", "?")
        failed = (directory / f"{name}.failed").exists()
        runs.append(f"benchmarks/{name}.py {seconds} s{' (FAILED)' if failed else ''}")
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench`: the scripts under benchmarks/ (listed below) in one run, each over benchmarks/harness (a fresh "
        "PostgreSQL database per size, gunicorn with 2 workers, the sizes interleaved, min and median, queries "
        "counted in process). Goal for every page: median at 10,000 / median at 100 ≤ 1.3 with equal queries "
        "(a ≠ marks unequal counts).",
        "",
        f"- Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {_commit(root)}",
        f"- Machine: {platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{int(memory) // 1024 if memory.isdigit() else '?'} MB; Python {platform.python_version()}, "
        f"PostgreSQL {_postgres()}",
        f"- Load average (1, 5, 15 min) at the start {load_start}, at the end {load_end}: other work on the machine "
        "moves the figures, so read them as indicative",
        f"- Scripts: {'; '.join(runs) or 'none'}",
    ]
    for name in names:
        section = _nested(_read(directory / f"{name}.md"), name)
        lines += ["", section or f"## benchmarks/{name}.py\n\nNo section written (see the output of `make bench`)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    directory, output = Path(sys.argv[1]), Path(sys.argv[2])
    root = Path(__file__).resolve().parents[2]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page(directory, root))
    print(f"written to {output}")


if __name__ == "__main__":
    main()
