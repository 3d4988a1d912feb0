"""The warm-up checks of 00_start_here accept right answers and reject wrong ones."""
from asgiref.sync import sync_to_async

from course.checking import FAIL, NOT_ATTEMPTED, PASS
from course.checks import lesson00 as check
from library.models import Book


def test_ex1_accepts_different_correct_answers():
    def by_filter(name):
        return Book.objects.filter(author__name=name).count()

    def by_relation(name):
        from library.models import Author

        author = Author.objects.filter(name=name).first()
        return author.books.count() if author else 0

    assert check.ex1.evaluate(by_filter).status == PASS
    assert check.ex1.evaluate(by_relation).status == PASS


def test_ex1_rejects_wrong_answers():
    def stub(name):
        raise NotImplementedError()

    cases = {
        "QuerySet": lambda name: Book.objects.filter(author__name=name),
        "expected 2": lambda name: Book.objects.count(),
        "fixed numbers": lambda name: {"Ursula K. Le Guin": 2, "Italo Calvino": 2}.get(name, 0),
        "not a number": lambda name: str(Book.objects.filter(author__name=name).count()),
    }
    for words, answer in cases.items():
        outcome = check.ex1.evaluate(answer)
        assert outcome.status == FAIL and words in outcome.message, (words, outcome.line)
    assert check.ex1.evaluate(stub).status == NOT_ATTEMPTED


def test_ex2_accepts_different_correct_answers():
    async def by_alatest():
        return (await Book.objects.alatest("published")).title

    async def by_order():
        book = await Book.objects.order_by("-published").afirst()
        return book.title

    async def by_sync_to_async():
        return await sync_to_async(lambda: Book.objects.latest("published").title)()

    for answer in (by_alatest, by_order, by_sync_to_async):
        assert check.ex2.evaluate(answer).status == PASS, answer


def test_ex2_rejects_wrong_answers():
    def plain():
        return Book.objects.latest("published").title

    async def sync_orm_inside():
        return Book.objects.latest("published").title

    async def missing_await():
        return Book.objects.alatest("published")

    async def oldest():
        return (await Book.objects.aearliest("published")).title

    async def stub():
        raise NotImplementedError()

    expected = {
        plain: "plain function",
        sync_orm_inside: "SynchronousOnlyOperation",
        missing_await: "`await` is missing",
        oldest: "expected 'Parable of the Sower'",
    }
    for answer, words in expected.items():
        outcome = check.ex2.evaluate(answer)
        assert outcome.status == FAIL and words in outcome.message, outcome.line
    assert check.ex2.evaluate(stub).status == NOT_ATTEMPTED
    assert check.ex2.evaluate("not a function").status == FAIL
