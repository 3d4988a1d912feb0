"""The course's maintenance tools, run as ``python -m tools <command>`` (see ``tools/__main__.py``).

``layout``          where lessons, exercises and solutions live; constants the tools and tests share
``notebook_io``     read, write (one format on disk) and execute notebooks in kernels of this environment
``catalog``         every lesson's number, title, objectives, minutes and deep dive; the repository address
``markers``         the generated part of a text file, between ``<!-- name -->`` markers
``launch``          Binder badges and the nbgitpuller link, from the catalog's repository address
``navigation``      header, previous / map / next cells and the course map, from the catalog
``pacing``          each lesson's estimated minutes (one stated formula) against the catalog's
``exercises``       exercise notebooks generated from the solution notebooks
``build``           everything generated, rebuilt or checked for drift in one call
``refresh``         re-execute notebooks in place, then build
``benchmark``       the speed figures (a script, never a timed test)
``nbgrader_course`` an nbgrader course directory from the solutions
``scripts/``        programs run in child processes, as real files
"""
