"""Boot the course sandbox and print how many seconds it took (for tools/benchmark.py)."""
import time

started = time.perf_counter()
from course import boot  # noqa: E402

boot()
print(time.perf_counter() - started)
