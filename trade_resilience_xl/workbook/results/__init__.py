"""Engine results -> the content of each result sheet: tables as rows of cells, number formats,
labels in the user's words (index, dimensions, units, regions as typed; the paper's only for
its own system) and chart specs. No I/O: the fronts write what these modules return.

May import: ``trade_resilience_xl.engine``, ``inputs`` (the inputs' types and header
helpers), the shared vocabulary of ``workbook``. Not package, template, refresh or the fronts.
"""
