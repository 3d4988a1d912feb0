"""The sandbox URLconf: the library site's URLs, plus views mounted from cells.

``course.cells.mount()`` edits ``cell_patterns``; they come first so that a
lesson can also replace a project URL for a demonstration.
"""
from django.urls import include, path

cell_patterns = []

urlpatterns = [
    path("", include(cell_patterns)),
    path("", include("library_site.urls")),
]
