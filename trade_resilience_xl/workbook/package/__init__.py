"""Everything that knows OOXML and zip bytes: part names, relationships, content types, the
worksheet readers (``package_reader`` with its fast path ``sheet_scan`` and the ``<v>`` rule
``cell_xml``), the result sheet, chart and style XML, the tool's mark on its sheets, the
package writer that copies untouched parts byte for byte (``package_update``, ``zip_writer``)
and the checks made before a file is opened or written (``file_safety``, archive limits).

May import: the shared vocabulary of ``workbook`` (``layout``, ``book_io``, ``cell_values``,
``styles``), ``trade_resilience_xl.atomic``, the standard library, openpyxl's utilities and
defusedxml. Not inputs, results, template, refresh or the fronts.
"""
