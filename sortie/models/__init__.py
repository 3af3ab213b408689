"""How a cell behaves: missions, settings, the PyBaMM adapter and the model chain."""
