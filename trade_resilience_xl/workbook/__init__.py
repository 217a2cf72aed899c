"""Workbooks: from a user's file to the engine's input, and from the engine's results to
result sheets, in the order a refresh flows (docs/architecture.md has the picture):

* ``openpyxl_io`` / ``xlwings_io``: the two fronts, a workbook file or a live Excel book
  behind the small ``book_io.WorkbookIO`` interface; they only read and write cells;
* ``refresh``: the one refresh routine both fronts share (read, compute, build, write);
* ``results/``: engine results -> sheet content (tables, labels, chart specs), no I/O;
* ``inputs/``: the Indicators, Data, Settings and Neighbours sheets -> the engine's inputs;
* ``package/``: everything that knows OOXML and zip bytes, reading and writing;
* ``template/``: building the template and ``new`` workbooks, beside the refresh;
* here too, the vocabulary every stage shares: ``layout`` (sheet names, headers, Settings
  keys), ``book_io`` (the interface and the plain data it passes), ``cell_values`` (what a
  cell's value means), ``styles`` (one look across the workbook).

Imports run one way, fronts -> refresh -> results -> inputs -> package -> vocabulary, with
``template`` beside the refresh; ``lint-imports`` checks it (pyproject.toml).
"""
