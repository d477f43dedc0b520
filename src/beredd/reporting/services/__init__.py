"""Reporting writes, one module per aggregate (see CONTRIBUTING.md: past ~500 lines a module becomes a package)."""
