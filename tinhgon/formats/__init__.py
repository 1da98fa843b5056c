"""Date and number formats of the interface languages (FORMAT_MODULE_PATH in settings).

Vietnamese pages write 01/07/2025 and 10.040; forms read dd/mm/yyyy and, for links and
scripts, ISO dates. The API and the commands keep ISO dates: machines read them.
"""
