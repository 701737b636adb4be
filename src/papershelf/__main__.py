"""`python -m papershelf` runs the same entry point as the console script."""

from papershelf.cli import main

raise SystemExit(main())
