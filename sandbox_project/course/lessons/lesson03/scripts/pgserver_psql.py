"""Run one SQL statement on a throwaway pgserver PostgreSQL and print what psql said, as one JSON line.

``course.lessons.lesson03.pgserver_says()`` runs this file in a child process
(``course.processes.run_python``): pgserver's lock file and data directory are
temporary directories of its own, deleted before it ends. The line holds psql's
output and its ERROR/DETAIL/HINT/WARNING/NOTICE lines, with the package's
directory shown as ``<pgserver>``.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

PSQL_PREFIXES = ("ERROR:", "DETAIL:", "HINT:", "WARNING:", "NOTICE:")


def main(sql):
    runtime = tempfile.mkdtemp(prefix="django41-course-pgrun-")
    os.environ["XDG_RUNTIME_DIR"] = runtime  # pgserver's lock file goes here, deleted below
    data = tempfile.mkdtemp(prefix="django41-course-pg-")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver
            from pgserver.postgres_server import POSTGRES_BIN_PATH
        server = pgserver.get_server(data, cleanup_mode="delete")
        try:
            psql = subprocess.run(  # as server.psql() runs it, keeping psql's messages too
                f"{POSTGRES_BIN_PATH / 'psql'} {server.get_uri()}", input=sql, shell=True, capture_output=True, text=True
            )
        finally:
            server.cleanup()
    finally:
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(runtime, ignore_errors=True)
    home = os.path.dirname(pgserver.__file__)
    said = psql.stdout.splitlines() + [line for line in psql.stderr.splitlines() if line.startswith(PSQL_PREFIXES)]
    print(json.dumps([line.replace(home, "<pgserver>").rstrip() for line in said if line.strip()]))


if __name__ == "__main__":
    main(sys.argv[1])
