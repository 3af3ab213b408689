"""The engine's IDAKLU solver: scalar CasADi functions, and one record per input set.

Three changes to PyBaMM's solver, each behind a name :mod:`sortie.engine.private_api`
checks at start:

- :class:`SolverJacobians` (a mixin for the engine's model classes): no jacobian of a DAE's
  right-hand side alone, which IDAKLU never evaluates.
- :class:`ScalarFunctions`: IDAKLU gets CasADi SX functions instead of MX ones (a DFN re-solve
  ~3x faster), converted with one shared cache (:mod:`sortie.engine.casadi_conversion`).
- :class:`BatchSolver`: a list of input sets keeps per-set records (how each finished, its
  extrapolation warnings) where PyBaMM has batch-wide effects.
"""

from __future__ import annotations

from typing import Any

import casadi
import pybamm

from sortie.engine import casadi_conversion, process_state
from sortie.engine.outputs import warning_texts
from sortie.models.compile_cache import compile_lock


class SolverJacobians:
    """Mixin for the engine's PyBaMM models: only the jacobians IDAKLU uses.

    PyBaMM's solver set-up differentiates a DAE's right-hand side on its own (for its ODE
    solvers), besides the whole system and the algebraic part, which IDAKLU uses (Newton
    steps, consistent initial states). IDAKLU never evaluates the right-hand side's own
    jacobian (PyBaMM 26.10), so it gets a structurally zero one here: ~0.3 s less of every
    DFN set-up (865 x 966 states, about half the set-up's differentiation), paid by every
    sweep worker before its first design. Models without an algebraic part are untouched:
    their right-hand side is the whole system.

    The right-hand side is recognised as the very CasADi expression PyBaMM converted from
    ``concatenated_rhs`` on the same state (the shared conversion of :class:`ScalarFunctions`
    remembers it), never by its size: any other expression gets PyBaMM's own jacobian."""

    def build_casadi_jacobian(self, expression: Any, y: Any) -> Any:
        if self.len_alg > 0 and casadi_conversion.converted(self.concatenated_rhs, y) is expression:
            assert expression.shape == (self.len_rhs, 1), "not the right-hand side's shape"
            return casadi.MX(expression.shape[0], y.shape[0])
        return super().build_casadi_jacobian(expression, y)


class ScalarFunctions(pybamm.BaseSolver):
    """Sits between IDAKLU's and PyBaMM's base ``set_up`` (see :class:`BatchSolver`'s
    bases): once PyBaMM has turned the model into CasADi MX functions, and before IDAKLU
    hands them to its C++ core, they become SX functions. CasADi's MX virtual machine spends
    most of a solve on matrix-node overhead (a DFN mission: ~80 % in ``MXFunction::eval`` and
    ``Multiplication::eval_kernel``, by perf); the SX machine runs the same operations as a
    flat list of scalar instructions. Same results, to rounding; a DFN re-solve ~3x faster
    (ISR loiter, Chen2020: 142 -> 47 ms), SPMe ~1.4x, for ~0.1-0.3 s once per build.

    A compiled solver (``options["compile"]``) compiles these SX functions (PyBaMM's AOT
    compile, gcc -O3): the DFN mission above, sweep settings, 25 ms per design instead of
    55 ms on the SX machine, for a compile of ~80 s once per model structure (the MX
    functions took 185 s on a twice faster machine, for ~1.8x).

    PyBaMM's conversion to CasADi runs with one shared cache of converted subexpressions
    (:func:`~sortie.engine.casadi_conversion.shared_conversion`): ~0.3 s less of a DFN
    set-up."""

    #: False keeps PyBaMM's MX functions (comparisons and benchmarks; slower, same results).
    scalar_functions: bool = True

    def set_up(self, model: Any, inputs: Any = None, t_eval: Any = None, ics_only: bool = False):
        if not self.scalar_functions:
            return super().set_up(model, inputs, t_eval, ics_only)
        with casadi_conversion.shared_conversion():
            result = super().set_up(model, inputs, t_eval, ics_only)
        if not ics_only:
            as_sx = casadi_conversion.as_sx
            model.rhs_algebraic_eval = as_sx(model.rhs_algebraic_eval)
            model.jac_rhs_algebraic_eval = as_sx(model.jac_rhs_algebraic_eval)
            if self.options["compile"]:
                # Compiled as before (the compile cache holds it so); uncompiled, the
                # Jacobian-vector product stays MX: only IDA's iterative linear solvers call
                # it, never KLU, and its expansion and hand-over cost ~0.15 s per build.
                model.jac_rhs_algebraic_action_eval = as_sx(model.jac_rhs_algebraic_action_eval)
            model.algebraic_eval = as_sx(model.algebraic_eval)
            model.jac_algebraic_eval = as_sx(model.jac_algebraic_eval)
            model.terminate_events_eval = [as_sx(e) for e in model.terminate_events_eval]
        return result


class BatchSolver(pybamm.IDAKLUSolver, ScalarFunctions):
    """IDAKLU with per-input-set records instead of batch-wide effects: an event already true
    at the start gives a one-step solution (PyBaMM raises for the whole list), each
    solution's extrapolation warnings are kept in solution order, and so are the finished
    solutions (PyBaMM drops them all when the first has a single step). ``compile_name``
    names the model for :func:`~sortie.models.compile_cache.compile_lock` when it compiles."""

    def __init__(
        self, *, scalar_functions: bool = True, compile_name: str = "model", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.scalar_functions = scalar_functions
        self.compile_name = compile_name
        self.extrapolations: list[tuple[str, ...]] = []
        self.finished: list[Any] = []

    def set_up(self, model: Any, inputs: Any = None, t_eval: Any = None, ics_only: bool = False):
        if ics_only or not self.options["compile"]:
            return super().set_up(model, inputs, t_eval, ics_only)
        with compile_lock(self.compile_name):
            return super().set_up(model, inputs, t_eval, ics_only)

    def start_batch(self) -> None:
        self.extrapolations = []
        self.finished = []

    def _check_event_violation_post_solve(self, *args: Any, **kwargs: Any) -> None:
        return None

    def check_extrapolation(self, solution: Any, events: Any) -> None:
        with process_state.captured_warnings() as caught:
            super().check_extrapolation(solution, events)
        self.extrapolations.append(warning_texts(caught))

    def get_termination_reason(self, solution: Any, events: Any) -> tuple[Any, str]:
        # PyBaMM's is a static method, called on the solver (self.get_termination_reason).
        found = super().get_termination_reason(solution, events)
        self.finished.append(found[0])
        return found
