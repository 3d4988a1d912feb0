"""Load-test a real JupyterHub serving the course to a class (a script, not a test).

    python -m tools.classroom.hub_load                       # N = 1, 5, 10, 20
    python -m tools.classroom.hub_load --users 1,5,10        # other class sizes
    python -m tools.classroom.hub_load --transport tcp       # the kernels' old TCP transport
    python -m tools.classroom.hub_load --json figures.json   # the figures, machine-readable too
    python -m tools.classroom.hub_load --keep-going          # every size, even after one breaks
    python -m tools.classroom.hub_load --log-dir logs/       # keep each hub's log (the only files it leaves)

For each class size N it starts a fresh hub (tools/classroom/jupyterhub_config.py:
JupyterHub, configurable-http-proxy, SimpleLocalProcessSpawner, dummy authenticator, all
on 127.0.0.1), creates N users, spawns their servers at once through the REST API, and
then every user presses Run All at the same moment: lesson 01, its solutions, lesson 03
(an embedded PostgreSQL per kernel), its solutions, one fresh kernel each, cell by cell
over the kernel websocket through the proxy. It prints every check's verdict, errors,
kernel start failures and the kernel transport, memory per user (summed RSS of the
user's server, kernels and PostgreSQL), p50/p95 cell latency, server start-up time and
aggregate throughput, and where the class stops scaling. It stops growing N at the first
size that breaks (a check not PASSED, an error, a failed kernel or spawn).

No pass/fail on timings: the figures are for docs/TEACHING.md's sizing table. The exit
status is 1 only if something broke or was left behind. Everything it starts is stopped
(hub, proxy, user servers, kernels, PostgreSQL: by API, process group and marker sweep),
also on Ctrl-C, and its temporary directories are deleted.
"""
import argparse
import asyncio
import json
import os
import platform
import signal
import statistics
import sys
import time
from pathlib import Path

import nbformat
import psutil

from .hub import COURSE, VERDICTS, Hub, marked_processes

NOTEBOOKS = (
    "notebooks/01_async_views.ipynb",
    "solutions/01_async_views_solutions.ipynb",
    "notebooks/03_constraint_validation.ipynb",
    "solutions/03_constraint_validation_solutions.ipynb",
)
MiB = 2**20


def expected_checks(path):
    """How many check lines the notebook's stored outputs hold (what a full run prints)."""
    count = 0
    for cell in nbformat.read(str(COURSE / path), as_version=4).cells:
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            count += sum(1 for line in text.splitlines() if line.strip().startswith(VERDICTS))
    return count


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def busy_cpu_seconds():
    """CPU seconds the whole machine has spent not idle, all cores."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def sample_cpu(hub, seen):
    """Record the CPU seconds so far of every process of this hub: seen[pid] = (first, last)."""
    for proc in marked_processes(hub.marker):
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        used = times.user + times.system
        first = seen.get(proc.pid, (used, used))[0]
        seen[proc.pid] = (first, used)


async def sample_memory(hub, users, peaks, totals, stop, cpu_seen=None):
    """Every second: each user's summed RSS (peak kept), all users' total, the hub's CPU seconds."""
    while not stop.is_set():
        if cpu_seen is not None:
            await asyncio.to_thread(sample_cpu, hub, cpu_seen)
        total = 0
        for name in users:
            rss = await asyncio.to_thread(hub.memory, name)
            peaks[name] = max(peaks.get(name, 0), rss)
            total += rss
        totals.append((total, hub.hub_memory()))
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except asyncio.TimeoutError:
            pass


async def one_class(n, notebooks, transport, cell_timeout, log_dir=None):
    """Serve ``n`` users; return the figures."""
    users = [f"learner{i:02d}" for i in range(1, n + 1)]
    figures = {"users": n, "transport_config": transport, "load_before": os.getloadavg()}
    keep_log = str(Path(log_dir) / f"hub-{n}-users-{transport}.log") if log_dir else None
    hub = Hub(transport=transport, keep_log=keep_log)
    stop_sampling = asyncio.Event()
    peaks, totals, sampler = {}, [], None
    try:
        started = time.perf_counter()
        await hub.start()
        figures["hub_start_s"] = time.perf_counter() - started
        await hub.create_users(users)
        spawns = await asyncio.gather(*(hub.spawn(name) for name in users), return_exceptions=True)
        figures["spawn_errors"] = [f"{u}: {s}" for u, s in zip(users, spawns) if isinstance(s, BaseException)]
        spawn_times = [s for s in spawns if not isinstance(s, BaseException)]
        figures["spawn_s"] = {"p50": percentile(spawn_times, 50), "max": max(spawn_times, default=float("nan"))}
        ready = [u for u, s in zip(users, spawns) if not isinstance(s, BaseException)]
        idle_rss = {u: hub.memory(u) for u in ready}
        figures["idle_server_mib"] = statistics.mean(idle_rss.values()) / MiB if idle_rss else float("nan")
        cpu_seen, busy_before = {}, busy_cpu_seconds()
        sample_cpu(hub, cpu_seen)
        sampler = asyncio.create_task(sample_memory(hub, ready, peaks, totals, stop_sampling, cpu_seen))

        async def learner(name):
            runs = []
            for path in notebooks:
                runs.append(await hub.run_notebook(name, path, cell_timeout=cell_timeout))
            return runs

        started = time.perf_counter()
        results = await asyncio.gather(*(learner(name) for name in ready))  # Run All, everyone at once
        figures["wall_s"] = time.perf_counter() - started
        figures["load_during"] = os.getloadavg()
        stop_sampling.set()
        await sampler
        sample_cpu(hub, cpu_seen)
        busy = busy_cpu_seconds() - busy_before
        ours = sum(last - first for first, last in cpu_seen.values())
        # Processes that ended between two samples lose their last second: "ours" is a lower bound.
        figures.update(cpu_busy_s=busy, cpu_class_s=ours, cpu_class_share=ours / busy if busy else float("nan"),
                       cpu_cores=psutil.cpu_count())
        runs = [run for learner_runs in results for run in learner_runs]
        latencies = [cell.seconds for run in runs for cell in run.cells]
        checks = [line for run in runs for line in run.checks]
        missing = sum(max(0, expected_checks(run.path) - len(run.checks)) for run in runs)
        figures.update(
            notebooks_run=len(runs),
            cells=len(latencies),
            cell_p50_s=percentile(latencies, 50),
            cell_p95_s=percentile(latencies, 95),
            cell_max_s=max(latencies, default=float("nan")),
            cells_per_s=len(latencies) / figures["wall_s"] if figures["wall_s"] else 0.0,
            notebook_s={path: percentile([r.seconds for r in runs if r.path == path], 50) for path in notebooks},
            checks_passed=sum(line.startswith("✅ PASSED") for line in checks),
            checks_total=len(checks) + missing,
            check_problems=[f"{run.user} {run.path}: {line}" for run in runs for line in run.checks
                            if not line.startswith("✅ PASSED")]
            + ([f"⏳ NOT ATTEMPTED: {missing} check(s) never printed (their notebook stopped early)"] if missing else []),
            errors=[f"{run.user} {run.path}: {error}" for run in runs for error in run.errors],
            kernel_log=hub.kernel_failures_in_log(),
            kernels_started=len(runs),
            kernel_session_failures=sum(run.kernel_start_failed for run in runs),
            transports=sorted({run.transport.split(" (")[0] for run in runs}),
            transport_example=next((run.transport for run in runs if run.transport), ""),
            mem_peak_per_user_mib=statistics.mean(peaks.values()) / MiB if peaks else float("nan"),
            mem_peak_max_user_mib=max(peaks.values(), default=0) / MiB,
            mem_peak_all_users_mib=max((t for t, _ in totals), default=0) / MiB,
            hub_proxy_mib=max((h for _, h in totals), default=0) / MiB,
        )
    except Exception as error:  # noqa: BLE001 - reported as this size's failure, then cleaned up
        figures.setdefault("spawn_errors", []).append(f"fatal: {type(error).__name__}: {error}")
    finally:
        stop_sampling.set()
        if sampler is not None and not sampler.done():
            sampler.cancel()
        await hub.astop()
        left_procs, left_dir = hub.leftovers()
        figures["left_behind"] = [f"pid {p.pid} {p.name()}" for p in left_procs] + ([str(hub.root)] if left_dir else [])
    if "kernel_log" in figures:
        log = figures["kernel_log"]
        figures["kernel_start_failures"] = figures["kernel_session_failures"] + max(log.values())
    figures["broken"] = bool(
        figures.get("spawn_errors") or figures.get("errors") or figures.get("kernel_start_failures")
        or figures.get("checks_passed") != figures.get("checks_total") or figures.get("check_problems")
        or figures["left_behind"]
    )
    return figures


def report(f):
    p = print
    p(f"\n=== N = {f['users']} users   (load average before: {' '.join(f'{x:.2f}' for x in f['load_before'])})")
    if "checks_total" not in f:
        p("  (did not get as far as running notebooks)")
        for error in f.get("spawn_errors", []):
            p(f"  spawn error: {error}")
        return
    p(f"  checks: {f['checks_passed']}/{f['checks_total']} ✅ PASSED")
    for line in f["check_problems"]:
        p(f"    {line}")
    p(f"  errors: {len(f['errors']) + len(f['spawn_errors'])}")
    for line in f["spawn_errors"] + f["errors"]:
        p(f"    {line}")
    p(f"  kernel transport: {', '.join(f['transports'])}   e.g. {f['transport_example']}")
    log = f["kernel_log"]
    p(f"  kernel start failures: {f['kernel_start_failures']} of {f['kernels_started']} kernels "
      f"(servers' log: {log['restarts']} kernel restarts, {log['address_in_use']} 'Address already in use', "
      f"{log['died']} kernels dead; {f['kernel_session_failures']} notebooks without a working kernel)")
    p(f"  hub start-up: {f['hub_start_s']:.1f} s;  server start-up (all {f['users']} at once): "
      f"p50 {f['spawn_s']['p50']:.1f} s, slowest {f['spawn_s']['max']:.1f} s")
    p(f"  memory per user (server + kernel + PostgreSQL, summed RSS): idle server {f['idle_server_mib']:.0f} MiB, "
      f"peak {f['mem_peak_per_user_mib']:.0f} MiB mean, {f['mem_peak_max_user_mib']:.0f} MiB max;  "
      f"all users at peak {f['mem_peak_all_users_mib']:.0f} MiB;  hub + proxy {f['hub_proxy_mib']:.0f} MiB")
    p(f"  cells: {f['cells']} in {f['notebooks_run']} notebooks;  latency p50 {f['cell_p50_s']:.2f} s, "
      f"p95 {f['cell_p95_s']:.2f} s, max {f['cell_max_s']:.1f} s;  {f['cells_per_s']:.2f} cells/s overall")
    p("  notebook Run All (median): " + ", ".join(f"{Path(k).stem} {v:.1f} s" for k, v in f["notebook_s"].items()))
    p(f"  class wall time: {f['wall_s']:.1f} s;  load average during: {' '.join(f'{x:.2f}' for x in f['load_during'])}")
    if "cpu_busy_s" in f:
        p(f"  CPU while the class ran: the machine was busy {f['cpu_busy_s']:.0f} core-s of "
          f"{f['cpu_cores'] * f['wall_s']:.0f}; this hub used at least {f['cpu_class_s']:.0f} of them "
          f"({100 * f['cpu_class_share']:.0f} %; processes shorter than a second, e.g. initdb, are missed)")
    p(f"  left behind: {', '.join(f['left_behind']) or 'nothing'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="1,5,10,20", help="class sizes, comma-separated (default 1,5,10,20)")
    parser.add_argument("--transport", choices=("ipc", "tcp"), default="ipc", help="the kernels' transport")
    parser.add_argument("--notebooks", default=",".join(NOTEBOOKS), help="notebooks each user runs, in order")
    parser.add_argument("--cell-timeout", type=float, default=600, help="seconds one cell may take (default 600)")
    parser.add_argument("--keep-going", action="store_true",
                        help="measure every size even after one breaks (the breakage is still reported)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--log-dir", help="keep each hub's log (hub, proxy, servers, kernels' stderr) in this directory")
    args = parser.parse_args()
    sizes = [int(x) for x in args.users.split(",") if x.strip()]
    notebooks = [x.strip() for x in args.notebooks.split(",") if x.strip()]
    # Ctrl-C and SIGTERM raise KeyboardInterrupt wherever the script is, even in a clean-up between two sizes
    # (asyncio's own Ctrl-C handling can lose one there); asyncio.run then cancels the class, whose finally
    # blocks stop its hub, and atexit stops any hub left.
    def interrupt(*_):
        raise KeyboardInterrupt()

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)

    print(f"Machine: {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
          f"{platform.system()} {platform.machine()}, Python {platform.python_version()}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"Each user runs, one kernel each, cell by cell: {', '.join(notebooks)}")
    all_figures, previous, stopped_at = [], None, None
    for n in sizes:
        if args.log_dir:
            Path(args.log_dir).mkdir(parents=True, exist_ok=True)
        figures = asyncio.run(one_class(n, notebooks, args.transport, args.cell_timeout, args.log_dir))
        report(figures)
        all_figures.append(figures)
        if figures["broken"]:
            stopped_at = stopped_at or f"breaks at N = {n} (see above)"
            if not args.keep_going:
                stopped_at += "; not growing further"
                break
        if previous and figures["cells_per_s"] < previous["cells_per_s"] * 1.1 and stopped_at is None:
            stopped_at = (f"throughput stops growing at N = {n}: {figures['cells_per_s']:.2f} cells/s vs "
                          f"{previous['cells_per_s']:.2f} at N = {previous['users']} (the machine is saturated)")
        previous = figures

    print("\n=== Summary")
    print("| N | checks PASSED | errors | kernel start failures | transport | server start p50 / max (s) "
          "| peak MiB per user | all users MiB | cell p50 / p95 (s) | cells/s | wall (s) | load during |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for f in all_figures:
        if "checks_total" not in f:
            print(f"| {f['users']} | – | {len(f.get('spawn_errors', []))} spawn | – | – | – | – | – | – | – | – | – |")
            continue
        print(f"| {f['users']} | {f['checks_passed']}/{f['checks_total']} | {len(f['errors']) + len(f['spawn_errors'])} "
              f"| {f['kernel_start_failures']} | {','.join(f['transports'])} | {f['spawn_s']['p50']:.1f} / {f['spawn_s']['max']:.1f} "
              f"| {f['mem_peak_per_user_mib']:.0f} | {f['mem_peak_all_users_mib']:.0f} | {f['cell_p50_s']:.2f} / {f['cell_p95_s']:.2f} "
              f"| {f['cells_per_s']:.2f} | {f['wall_s']:.0f} | {f['load_during'][0]:.1f} |")
    print(f"Scaling: {stopped_at or 'throughput still growing at the largest N measured'}")
    if args.json:
        Path(args.json).write_text(json.dumps(all_figures, indent=1, default=str) + "\n")
    return 1 if any(f["broken"] for f in all_figures) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\nInterrupted: stopping the hub, its servers, kernels and PostgreSQL.", file=sys.stderr)
        sys.exit(130)
