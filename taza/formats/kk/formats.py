"""Number and date formats for Kazakh, which Django does not ship.

As in Russian: a decimal comma and thousands split by a no-break space, as the
government's own documents write "6 900 000" and "0,95".
"""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
# Dates as Kazakh official documents write them: 04.02.2026.
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
