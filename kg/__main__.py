"""`python -m kg` runs the same command line as `kg`."""

from kg.cli import main

main()
