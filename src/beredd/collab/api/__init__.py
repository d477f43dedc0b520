"""REST endpoints for collaboration: forums, meetings, actions, directions, agreements, measures, the library.

Same selectors and services as the views. A package by sub-domain; each module has its own router, gathered
here into the one ``router`` that ``api/api.py`` mounts under ``PREFIX``, in the order the API documentation
lists them."""

from ninja import Router

from beredd.collab.api import agreements, directions, forums, library, measures

PREFIX = "collab"
router = Router(tags=["collab"])
for _module in (forums, directions, agreements, measures, library):
    router.add_router("", _module.router)
    # The operation ids (the anchors of the API documentation page) stay what they were when this was one module.
    for _path in _module.router.path_operations.values():
        for _operation in _path.operations:
            _operation.operation_id = _operation.operation_id or f"beredd_collab_api_{_operation.view_func.__name__}"

__all__ = ["PREFIX", "agreements", "directions", "forums", "library", "measures", "router"]
