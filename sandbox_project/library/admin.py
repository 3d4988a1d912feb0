from django.contrib import admin

from .models import Author, Book, Loan, Member


class BookInline(admin.TabularInline):
    model = Book
    extra = 0


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "born"]
    inlines = [BookInline]


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "published", "isbn"]
    list_filter = ["published"]
    search_fields = ["title", "author__name", "isbn"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "user"]


@admin.register(Loan)
class LoanAdmin(admin.ModelAdmin):
    list_display = ["book", "member", "borrowed_on", "due_on", "returned_on"]
    list_filter = ["returned_on"]
