"""Reporting writes, one module per aggregate (see STYLE.md: past ~500 lines a module becomes a package)."""
