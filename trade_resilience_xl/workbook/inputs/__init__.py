"""The sheets users fill in -> the engine's inputs: Indicators, Data, Settings and the optional
Neighbours sheet, read through ``book_io.WorkbookIO`` (so the same code serves a file and a
live Excel book), every problem located as a sheet and cell.

May import: ``trade_resilience_xl.engine`` (its input types and checks), the shared
vocabulary of ``workbook``. Not package (the fronts hand it cells), results, template,
refresh or the fronts.
"""
