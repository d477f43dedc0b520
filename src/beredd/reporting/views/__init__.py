"""Reporting views by sub-domain; each view parses, checks (through selectors), calls a service and renders.

``home`` (the start page), ``templates``, ``rounds``, ``rollup`` (roll-up, completeness, exports),
``submissions`` and ``pictures``. Queries live in ``reporting.selectors``, writes in ``reporting.services``.
"""
