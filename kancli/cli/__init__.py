"""The ``kancli`` command line: Typer only. ``app.py`` holds the app and the error boundary;
each command lives in its own module and calls a plain function that is also the Python API."""
