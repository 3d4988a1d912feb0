"""Run the tests of test_shelf.py in 2 processes: python runtests.py fork|spawn"""
import multiprocessing
import sys

import django
from django.conf import settings
from django.db.models.signals import pre_save
from django.test.runner import DiscoverRunner


def title_case(sender, instance, **kwargs):
    instance.name = instance.name.title()


if __name__ == "__main__":
    multiprocessing.set_start_method(sys.argv[1], force=True)
    settings.configure(  # only the parent process runs this
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "library"],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    django.setup()
    pre_save.connect(title_case, sender="library.Author")  # only the parent process runs this
    failures = DiscoverRunner(parallel=2).run_tests(["test_shelf"])
    print("failures:", failures)
    sys.exit(bool(failures))
