"""A test runner (--testrunner reporting.Runner) that reports what a parallel run does, from each process."""
import glob
import multiprocessing

from django.db import connections
from django.test import runner


def init_worker(*args):
    runner._init_worker(*args)  # what every worker runs first
    name = connections["default"].settings_dict["NAME"]
    print(f"[worker {runner._worker_id}: {multiprocessing.get_start_method()}, database {name}]", flush=True)


class ReportingSuite(runner.ParallelTestSuite):
    init_worker = init_worker


class Runner(runner.DiscoverRunner):
    parallel_test_suite = ReportingSuite

    def setup_databases(self, **kwargs):
        old_config = super().setup_databases(**kwargs)
        print(f"[parent: database {connections['default'].settings_dict['NAME']}]", flush=True)
        return old_config

    def teardown_databases(self, old_config, **kwargs):
        print(f"workers: {self.parallel}; clone files before teardown: {sorted(glob.glob('*.sqlite3'))}")
        super().teardown_databases(old_config, **kwargs)
