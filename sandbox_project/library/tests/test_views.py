from django.contrib.auth.models import User
from django.test import AsyncClient, TestCase

from library.models import Author, Book


class ViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        author = Author.objects.create(name="Italo Calvino", born=1923)
        cls.book = Book.objects.create(title="Invisible Cities", author=author, isbn="9780156453806", published=1972)

    def test_book_list(self):
        response = self.client.get("/")
        self.assertContains(response, "Invisible Cities")

    def test_book_detail_passes_its_pk_with_json_script(self):
        response = self.client.get(f"/books/{self.book.pk}/")
        self.assertContains(response, f'<script type="application/json">{self.book.pk}</script>', html=False)

    def test_login_page_renders_the_form_as_divs(self):
        response = self.client.get("/accounts/login/")
        self.assertContains(response, '<label for="id_username">')
        self.assertNotContains(response, "<table")

    def test_logout_with_post_logs_out(self):
        User.objects.create_user("ada", password="correct horse")
        self.client.login(username="ada", password="correct horse")
        response = self.client.post("/accounts/logout/")
        self.assertRedirects(response, "/")
        self.assertNotIn("_auth_user_id", self.client.session)


class AsyncStatsViewTests(TestCase):
    async def test_stats_are_served_by_an_async_view(self):
        response = await AsyncClient().get("/stats/")
        self.assertEqual(response.json(), {"books": 0, "open_loans": 0})
