"""Two test cases of the library's authors (copied into the run as test_shelf.py)."""
from django.test import TestCase

from library.models import Author


class AuthorNameTests(TestCase):
    def test_names_are_title_cased_on_save(self):
        author = Author.objects.create(name="octavia e. butler")
        self.assertEqual(author.name, "Octavia E. Butler")


class AuthorCountTests(TestCase):
    def test_the_database_starts_empty(self):
        self.assertEqual(Author.objects.count(), 0)
