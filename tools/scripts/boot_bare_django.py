"""Boot the plain library site on ":memory:" (django.setup() + migrate) and print the seconds it took."""
import os
import time

started = time.perf_counter()
os.environ["DJANGO_SETTINGS_MODULE"] = "library_site.settings"
os.environ["LIBRARY_DB"] = ":memory:"
import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)
print(time.perf_counter() - started)
