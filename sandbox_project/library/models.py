"""A small lending library: authors write books, members borrow them.

Every lesson uses these models. ``Loan`` carries two 4.1-style constraints that
``full_clean()`` now checks before the database ever sees the row.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Author(models.Model):
    name = models.CharField(max_length=100)
    born = models.PositiveIntegerField(null=True, blank=True, help_text="Year of birth")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    isbn = models.CharField("ISBN", max_length=13, unique=True)
    published = models.PositiveIntegerField(help_text="Year of publication")

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class Member(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    name = models.CharField(max_length=100)
    email = models.EmailField(unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Loan(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="loans")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="loans")
    borrowed_on = models.DateField()
    due_on = models.DateField()
    returned_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["borrowed_on", "id"]
        constraints = [
            models.CheckConstraint(
                check=Q(due_on__gt=F("borrowed_on")),
                name="loan_due_after_borrowed",
                violation_error_message="A loan must be due after the day it starts.",
            ),
            models.UniqueConstraint(
                fields=["book"],
                condition=Q(returned_on__isnull=True),
                name="one_open_loan_per_book",
                violation_error_message="This book is already out on loan.",
            ),
        ]

    def __str__(self):
        return f"{self.book} to {self.member}"
