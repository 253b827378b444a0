"""Documents the authorities print, sign and file: PDF from Jinja templates, in the Decree 30/2020 layout."""
