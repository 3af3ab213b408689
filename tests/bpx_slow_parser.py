"""The BPX parser process, started late: ``python -m tests.bpx_slow_parser`` sleeps a
minute, then runs the real parser. Tests
put it in place of :data:`sortie.cells.bpx_import._CHILD_MODULE` to reach the time limit."""

import sys
import time

from sortie.cells.bpx_import import _child_main

if __name__ == "__main__":
    time.sleep(60.0)
    sys.exit(_child_main(sys.argv[1:]))
