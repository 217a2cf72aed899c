"""xlwings Lite: the workbook carries its own Python program (Excel on Windows, Mac, the web).

``program`` writes ``main.py`` (the package modules the functions and scripts reach, found by
``imports`` from the sources, as a base64 zip plus a short loader, the worksheet functions of
``udfs`` and the Refresh / Check / Clear scripts) and ``requirements.txt``; ``parts`` stores
both in the web-extension parts xlwings Lite reads; ``convert`` adds them to any workbook of
this tool as a package edit (every other part copied byte for byte, the VBA project and the
ribbon left out). Nothing here runs inside Excel: it only writes files.
"""
