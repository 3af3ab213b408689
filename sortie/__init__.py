"""Sortie: battery cell design explorer for unmanned systems.

The one model chain is :func:`sortie.models.flight.fly` (``fly_many`` for many setups at
once): a :class:`~sortie.models.flight.FlightSetup` in, a verdict out, for every front end.
Setups are built from a user's choices, with every default of :mod:`sortie.defaults`, by
:mod:`sortie.studies.setup`; presets come from :mod:`sortie.presets`. PyBaMM is only imported
(lazily) at the engine boundary.
"""

from sortie.errors import SortieError

__all__ = ["SortieError", "fly", "fly_many"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Lazy so that `import sortie` (and `sortie list`) never pays for the model chain.
    if name in ("fly", "fly_many"):
        from sortie.models import flight

        return getattr(flight, name)
    raise AttributeError(name)
