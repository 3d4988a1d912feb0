import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import TestCase

from library.models import Author, Book, Loan, Member


class LibraryTestData:
    @classmethod
    def setUpTestData(cls):
        cls.author = Author.objects.create(name="Ursula K. Le Guin", born=1929)
        cls.book = Book.objects.create(
            title="The Dispossessed", author=cls.author, isbn="9780061054884", published=1974
        )
        cls.member = Member.objects.create(name="Ada", email="ada@example.com")
        cls.day = datetime.date(2022, 8, 3)


class LoanConstraintTests(LibraryTestData, TestCase):
    def loan(self, **kwargs):
        values = {"book": self.book, "member": self.member, "borrowed_on": self.day,
                  "due_on": self.day + datetime.timedelta(days=21)}
        return Loan(**{**values, **kwargs})

    def test_a_valid_loan_passes_full_clean(self):
        self.loan().full_clean()

    def test_due_date_must_follow_the_start(self):
        with self.assertRaisesMessage(ValidationError, "A loan must be due after the day it starts."):
            self.loan(due_on=self.day).full_clean()

    def test_one_open_loan_per_book(self):
        self.loan().save()
        with self.assertRaisesMessage(ValidationError, "This book is already out on loan."):
            self.loan().full_clean()

    def test_a_returned_loan_does_not_block_the_next_one(self):
        self.loan(returned_on=self.day).save()
        self.loan().full_clean()

    def test_the_database_enforces_the_check_without_validation(self):
        with self.assertRaises(IntegrityError):
            self.loan(due_on=self.day).save()


class ModelTests(LibraryTestData, TestCase):
    def test_str(self):
        self.assertEqual(str(self.book), "The Dispossessed")
        self.assertEqual(str(self.author), "Ursula K. Le Guin")
        self.assertEqual(str(self.member), "Ada")

    def test_reverse_relation(self):
        self.assertEqual(list(self.author.books.all()), [self.book])
