import os
import sys

# The helper models live next to the tests; make them importable as a plain module.
sys.path.insert(0, os.path.dirname(__file__))
