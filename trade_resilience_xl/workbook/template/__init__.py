"""Building workbooks: the template and ``new`` workbooks from CSV files (input sheets, the
explanatory sheets About/Formulas/Paper, the VBA project with xlwings' UDF wrappers and the
ribbon). It stands beside the refresh: it may import package, inputs, results and the shared
vocabulary, the engine, ``paper`` and ``example_data``; nothing in refresh, results, inputs or
package imports it.
"""
