from beredd.preparedness.views.overview import index

__all__ = ["index"]
