"""A real JupyterHub serving the course to a class: its configuration (``jupyterhub_config.py``),
starting and driving it (``hub``) and the class-size load test (``python -m tools.classroom.hub_load``)."""
