"""Officials' editing flow: the registry of editable tables, Excel/CSV templates, safe reading of uploads, the
validation report and the difference with what is published (pure data modules; the pages live in views.py)."""
