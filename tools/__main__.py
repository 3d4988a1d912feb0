"""The course's tools, one command each: ``python -m tools <command>`` from the repository root.

    python -m tools build              # rebuild everything generated: navigation, headers, course map, exercises
    python -m tools build --check      # change nothing; exit 1 if anything generated is out of date
    python -m tools refresh [PATH ...] # re-execute notebooks in fresh kernels (default: every lesson and
                                       # solution), then build
    python -m tools benchmark [--suite] [--runs N] [--no-notebooks]
    python -m tools pacing [--check]   # each lesson's estimated minutes against the catalog's; --check: exit 1 if over
    python -m tools nbgrader DIR [NN ...]   # an nbgrader course directory from the solutions
"""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="rebuild navigation, headers, the course map and the exercises")
    build.add_argument("--check", action="store_true", help="change nothing; exit 1 on any drift")

    refresh = commands.add_parser("refresh", help="re-execute notebooks in place, then build")
    refresh.add_argument("paths", nargs="*", help="notebooks (default: every lesson and solution)")

    bench = commands.add_parser("benchmark", help="print the course's speed figures")
    bench.add_argument("--runs", type=int, default=5)
    bench.add_argument("--suite", action="store_true", help="also time the fast loop and the whole test suite")
    bench.add_argument("--no-notebooks", action="store_true", help="skip the per-notebook times")

    pacing = commands.add_parser("pacing", help="print each lesson's estimated minutes against the catalog's")
    pacing.add_argument("--check", action="store_true", help="exit 1 if a core or a deep dive is over its minutes")

    grading = commands.add_parser("nbgrader", help="write an nbgrader course directory from the solutions")
    grading.add_argument("directory")
    grading.add_argument("lessons", nargs="*", help="lesson numbers, e.g. 00 05 (default: all)")

    args = parser.parse_args(argv)
    if args.command == "build":
        from .build import build as run_build

        return 0 if run_build(check=args.check) else 1
    if args.command == "refresh":
        from .refresh import refresh_all

        return 0 if refresh_all(args.paths) else 1
    if args.command == "pacing":
        from .pacing import report

        fine = report()
        return 1 if args.check and not fine else 0
    if args.command == "benchmark":
        from .benchmark import run

        return run(runs=args.runs, suite=args.suite, notebooks=not args.no_notebooks)
    from .nbgrader_course import build as write_course

    print(f"nbgrader course written to {write_course(args.directory, set(args.lessons) or None)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
