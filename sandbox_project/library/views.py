"""Views of the library site: classic sync views next to 4.1 async ones."""
from django.http import JsonResponse
from django.views import View
from django.views.generic import DetailView, ListView

from .models import Book, Loan


class BookListView(ListView):
    """A classic synchronous generic view."""

    model = Book
    queryset = Book.objects.select_related("author")


class BookDetailView(DetailView):
    model = Book
    queryset = Book.objects.select_related("author")


class StatsView(View):
    """An async class-based view (new in Django 4.1) using the async ORM."""

    async def get(self, request):
        return JsonResponse(
            {
                "books": await Book.objects.acount(),
                "open_loans": await Loan.objects.filter(returned_on__isnull=True).acount(),
            }
        )
