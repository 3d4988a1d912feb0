"""Settings of a 7.3 check run: the library app on SQLite (its test database is in memory)."""
SECRET_KEY = "lesson-07-check"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "library"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "unused.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
