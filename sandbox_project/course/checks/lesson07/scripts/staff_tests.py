"""Tests of the staff author, whom the library creates when its database is set up."""
from django.db.models.signals import post_migrate
from django.test import TestCase

from library.models import Author, Book

STAFF = {}  # filled once, while the test database is migrated


def create_staff_author(sender, using, **kwargs):
    if sender.label == "library":
        STAFF["author"], _ = Author.objects.using(using).get_or_create(name="Library Staff")


post_migrate.connect(create_staff_author)


class StaffAuthorTests(TestCase):
    def test_there_is_one_staff_author(self):
        self.assertEqual(Author.objects.filter(name="Library Staff").count(), 1)
        self.assertEqual(str(STAFF["author"]), "Library Staff")


class StaffBookTests(TestCase):
    def test_staff_can_write_books(self):
        Book.objects.create(title="House Rules", author=STAFF["author"], isbn="9780000000001", published=2022)
        self.assertEqual(STAFF["author"].books.count(), 1)
