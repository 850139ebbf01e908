# Django's Russian month-and-day format names the month in the nominative ("2 Декабрь");
# a date needs the genitive ("2 декабря"), which "E" gives.
MONTH_DAY_FORMAT = "j E"
