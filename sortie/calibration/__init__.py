"""Calibrate a cell to measured tests: choose the parameters (:mod:`.parameters`), fit them
with PyBOP on the engine's models (:mod:`.fit`), report the fit (:mod:`.report`) and write
the fitted cell as a cell file (:mod:`.cell_file`). The check against validation tests the fit
never saw is :mod:`sortie.measurements.replay`'s."""
