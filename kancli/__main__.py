"""``python -m kancli`` runs the command-line interface."""

from kancli.cli.app import main

main()
