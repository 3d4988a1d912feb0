"""The course's maintenance tools, run as ``python -m tools <command>`` (see ``tools/__main__.py``).

``layout``          where lessons, exercises and solutions live; constants the tools and tests share
``notebook_io``     read, write (one format on disk) and execute notebooks in kernels of this environment
``catalog``         every lesson's number, title, objectives and minutes: the source of the navigation
``navigation``      header, previous / map / next cells and the course map, from the catalog
``exercises``       exercise notebooks generated from the solution notebooks
``build``           everything generated, rebuilt or checked for drift in one call
``refresh``         re-execute notebooks in place, then build
``benchmark``       the speed figures (a script, never a timed test)
``nbgrader_course`` an nbgrader course directory from the solutions
``scripts/``        programs run in child processes, as real files
"""
