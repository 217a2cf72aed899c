"""xlwings Lite: the workbook carries its own Python program (Excel on Windows, Mac, the web).

``program`` writes ``main.py`` (the package as a base64 zip plus a short loader, the worksheet
functions of ``udfs`` and the Refresh / Check / Clear scripts) and ``requirements.txt``;
``parts`` stores both in the web-extension parts xlwings Lite reads, as a package edit on a
built ``.xlsx``. Nothing here runs inside Excel: it only writes files.
"""
