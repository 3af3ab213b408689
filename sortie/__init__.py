"""Sortie: battery cell design explorer for unmanned systems.

The one model chain is :func:`sortie.models.chain.simulate_mission`; presets come from
:mod:`sortie.presets`. PyBaMM is only imported (lazily) by
:mod:`sortie.models.electrochemistry`.
"""

from sortie.errors import SortieError

__all__ = ["SortieError", "simulate_mission"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Lazy so that `import sortie` (and `sortie list`) never pays for PyBaMM.
    if name == "simulate_mission":
        from sortie.models.chain import simulate_mission

        return simulate_mission
    raise AttributeError(name)
