"""Benchmarks: measured side by side, printed as a table and written as JSON; never a timed test."""
import sys

from benchmarks.run import main

sys.exit(main())
