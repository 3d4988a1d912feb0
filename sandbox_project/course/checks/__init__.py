"""One module of exercise checks per lesson: ``course.checks.lesson00`` ... ``lesson07``.

A notebook imports its lesson's module and calls one check after each exercise::

    from course.checks import lesson00 as check
    check.ex1(count_books)
"""
